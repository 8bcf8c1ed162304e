/**
 * Regression: `reconcile: true` (flux.expect / flux.reconcile on the local
 * target) used to await the pass with no bound, and the pass's own spec.timeout was an
 * `AbortSignal.any([…, AbortSignal.timeout()])` that never fires once a GC has run (Node 20).
 * A registry that accepts connections and never answers is the hang: each of these waits
 * must now fail within its timeout, saying what did not finish.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CleanupRegistry } from '../../src/engine/cleanup.js';
import type { ActionContext } from '../../src/engine/action.js';
import { buildActionRegistry } from '../../src/actions.js';
import { createTarget, setRunTarget, targetParts } from '../../src/targets/index.js';
import { deadline, within } from '../../src/engine/deadline.js';
import { LocalReconciler } from '../../src/reconcile/reconciler.js';
import { ArtifactStorage } from '../../src/reconcile/storage.js';
import { fluxTarballArchive } from '../../src/reconcile/archive.js';
import { validateLocalObject, type SourceObject } from '../../src/flux/sources.js';

/** A TCP server that accepts and never answers: a registry hung mid-outage. */
let blackHole: Server;
let port = 0;
const sockets = new Set<Socket>();
beforeAll(async () => {
  blackHole = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r));
  port = (blackHole.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => blackHole.close(() => r()));
});

function ociRepo(name: string, timeout = '60s'): SourceObject {
  return validateLocalObject(
    { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name, namespace: 'flux-system' }, spec: { interval: '10m', timeout, url: `oci://127.0.0.1:${port}/stuck/app`, insecure: true, ref: { tag: 'latest' } } },
    name,
  ) as SourceObject;
}

describe('deadline', () => {
  it('fires after a garbage collection (AbortSignal.any + AbortSignal.timeout does not on Node 20)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const d = deadline(150, new AbortController().signal, 'the test wait');
    gc();
    await new Promise((r) => setTimeout(r, 50));
    gc();
    await new Promise((r) => setTimeout(r, 300));
    expect(d.signal.aborted).toBe(true);
    expect((d.signal.reason as Error).message).toBe('the test wait did not finish within 150 ms');
  });

  it('within: answers in time even when the work never settles, and follows the caller\'s signal', async () => {
    await expect(within(new Promise(() => undefined), 100, undefined, 'work that ignores its signal')).rejects.toThrow('work that ignores its signal did not finish within 100 ms');
    const ac = new AbortController();
    const p = within(new Promise(() => undefined), 10_000, ac.signal, 'the step');
    ac.abort();
    await expect(p).rejects.toThrow('the step was cancelled');
  });
});

describe('a reconcile against a registry that never answers', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocilab-bounded-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('LocalReconciler.reconcileNow rejects at its timeout with the object and the last Ready message', async () => {
    const rec = new LocalReconciler({ storage: new ArtifactStorage(join(dir, 'storage-1'), fluxTarballArchive) });
    try {
      const key = { kind: 'OCIRepository', namespace: 'flux-system', name: 'stuck' } as const;
      rec.apply(ociRepo('stuck'));
      const t0 = performance.now();
      await expect(rec.reconcileNow(key, { timeoutMs: 300 })).rejects.toThrow(/^the reconcile of OCIRepository\/flux-system\/stuck did not finish within 300 ms \(not reconciled yet\)$/);
      expect(performance.now() - t0).toBeLessThan(2_000);
    } finally {
      await rec.stop();
    }
  }, 5_000);

  it('a pass ends at spec.timeout: Ready=False OCIArtifactPullFailed, and the next reconcile is not blocked', async () => {
    const rec = new LocalReconciler({ storage: new ArtifactStorage(join(dir, 'storage-2'), fluxTarballArchive) });
    try {
      const key = { kind: 'OCIRepository', namespace: 'flux-system', name: 'short' } as const;
      rec.apply(ociRepo('short', '300ms'));
      const status = await rec.reconcileNow(key, { timeoutMs: 4_000 });
      const ready = status.conditions.find((c) => c.type === 'Ready');
      expect(ready).toMatchObject({ status: 'False', reason: 'OCIArtifactPullFailed' });
      const again = await rec.reconcileNow(key, { timeoutMs: 4_000 });
      expect(again.conditions.find((c) => c.type === 'Ready')?.status).toBe('False');
    } finally {
      await rec.stop();
    }
  }, 10_000);

  it('flux.expect { reconcile: true, timeout } on the local target fails fast with a clear message instead of hanging', async () => {
    const cleanup = new CleanupRegistry();
    const workDir = await mkdtemp(join(dir, 'run-'));
    const lines: string[] = [];
    const registry = buildActionRegistry();
    const scope = registry.newRunScope();
    setRunTarget(scope, createTarget('local', {}, targetParts(scope)));
    const ctx: ActionContext = { signal: new AbortController().signal, log: (l) => lines.push(l), cleanup, vars: {}, workDir, scope, scenarioDir: workDir, target: 'local', report: () => undefined };
    const act = (name: string, raw: unknown) => registry.get(name)!.run(registry.get(name)!.args.parse(raw), ctx);
    try {
      expect(await act('target.up', {})).toEqual({ ok: true });
      const yaml = `apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: hung, namespace: flux-system}\nspec: {interval: 10m, url: "oci://127.0.0.1:${port}/stuck/app", insecure: true, ref: {tag: latest}}\n`;
      expect(await act('flux.apply', { yaml })).toEqual({ ok: true });
      const t0 = performance.now();
      const res = await act('flux.expect', { kind: 'OCIRepository', name: 'hung', reconcile: true, timeout: '400ms', conditions: { Ready: { status: 'True' } } });
      expect(res).toMatchObject({ ok: false, message: expect.stringMatching(/^OCIRepository\/hung: the reconcile of OCIRepository\/flux-system\/hung did not finish within 400 ms/) });
      expect(performance.now() - t0).toBeLessThan(2_000);
    } finally {
      await cleanup.runAll();
    }
  }, 5_000);
});
