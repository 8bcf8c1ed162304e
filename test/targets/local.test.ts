/**
 * The local target for real: the embedded registry comes up on 127.0.0.1 and answers the
 * distribution API, and teardown (or the run's cleanup) closes it with nothing left behind.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CleanupRegistry } from '../../src/engine/cleanup.js';
import type { FluxStatusObject } from '../../src/flux/conditions.js';
import type { ObjectRef } from '../../src/kube/resources.js';
import { LocalTarget, type LocalSourceReconciler } from '../../src/targets/local.js';
import type { TargetContext, TargetObject } from '../../src/targets/target.js';
import { fixture, runScenarioFile } from './helpers.js';

function context(cleanup = new CleanupRegistry()): TargetContext & { lines: string[]; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ocilab-local-target-'));
  const lines: string[] = [];
  return { signal: new AbortController().signal, log: (l) => lines.push(l), cleanup, workDir: dir, lines, dir };
}

const refused = async (url: string) => fetch(url).then(() => false, () => true);

describe('local target', () => {
  it('prepare starts the embedded registry; teardown closes it and unregisters its cleanup', async () => {
    const ctx = context();
    try {
      const t = new LocalTarget();
      await t.prepare(ctx);
      const reg = t.registryUrl();
      expect(reg.host).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(reg.cluster).toBe(`oci://${reg.host}`);
      const res = await fetch(`http://${reg.host}/v2/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
      expect(ctx.cleanup.size).toBe(1);
      await t.prepare(ctx); // idempotent: reused, not a second registry
      expect(ctx.cleanup.size).toBe(1);
      expect(ctx.lines.at(-1)).toContain('(reused)');

      expect(await t.teardown()).toContain(`embedded registry http://${reg.host} stopped`);
      expect(await refused(`http://${reg.host}/v2/`)).toBe(true);
      expect(ctx.cleanup.size).toBe(0);
      expect(() => t.registryUrl()).toThrow(/not running: run target.up first/);
    } finally {
      rmSync(ctx.dir, { recursive: true, force: true });
    }
  });

  it('the run cleanup closes the registry when nobody tears down (Ctrl-C, failure)', async () => {
    const ctx = context();
    try {
      const t = new LocalTarget();
      await t.prepare(ctx);
      const host = t.registryUrl().host;
      expect(await ctx.cleanup.runAll()).toEqual([]);
      expect(await refused(`http://${host}/v2/`)).toBe(true);
    } finally {
      rmSync(ctx.dir, { recursive: true, force: true });
    }
  });

  it('target.up / target.down in a scenario: vars for later steps, nothing left after the run', async () => {
    const t = new LocalTarget();
    const { status, events, runner, cleanup } = await runScenarioFile(fixture('local-up-down.yaml'), 'local', t);
    const out = events.flatMap((e) => (e.type === 'output' ? [e.line] : []));
    expect(status).toBe('passed');
    expect(out).toContain('v2 200');
    expect(runner.vars['registry.pull']).toBe(`oci://${runner.vars['registry.host']}`);
    expect(runner.vars['target.namespace']).toBe('flux-system');
    expect(out.some((l) => l.startsWith('git: no local Git server'))).toBe(true);
    expect(await refused(`http://${runner.vars['registry.host']}/v2/`)).toBe(true);
    expect(cleanup.size).toBe(0);
    expect(existsSync(runner.vars['run.workDir']!)).toBe(false);
  });

  it('built without the reconciler port, flux.apply fails saying what is missing', async () => {
    const ctx = context();
    try {
      const t = new LocalTarget();
      const obj: TargetObject = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'x' } };
      await expect(t.applySource(obj, ctx)).rejects.toThrow(/no local reconciler: this LocalTarget was built without it \(createTarget\('local'\) passes it/);
    } finally {
      rmSync(ctx.dir, { recursive: true, force: true });
    }
  });

  it('waits use the same predicates as on a cluster, on the reconciler\'s status changes (scripted stand-in for src/reconcile)', async () => {
    const ctx = context();
    try {
      let status: FluxStatusObject | undefined;
      const listeners = new Set<() => void>();
      const applied: TargetObject[] = [];
      const scripted: LocalSourceReconciler = {
        apply: (o) => void applied.push(o),
        status: () => status,
        onChange: (l) => (listeners.add(l), () => listeners.delete(l)),
        reconcileNow: () => undefined,
        stop: async () => undefined,
      };
      const t = new LocalTarget({ createReconciler: () => scripted });
      await t.prepare(ctx);
      await t.applySource({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'demo' } }, ctx);
      expect(applied[0]?.metadata.namespace).toBe('flux-system');
      const ref: ObjectRef = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', name: 'demo', namespace: 'flux-system' };
      const waiting = t.waitReady(ref, { condition: 'SourceVerified', timeoutMs: 5000 }, ctx);
      status = {
        metadata: { generation: 1 },
        status: {
          observedGeneration: 1,
          conditions: [{ type: 'SourceVerified', status: 'False', reason: 'VerificationError', message: 'failed to verify the signature using provider \'cosign\': no matching signatures' }],
        },
      };
      listeners.forEach((l) => l());
      const outcome = await waiting;
      expect(outcome).toMatchObject({ ok: false, message: "VerificationError: failed to verify the signature using provider 'cosign': no matching signatures" });
      await t.teardown();
    } finally {
      await ctx.cleanup.runAll();
      rmSync(ctx.dir, { recursive: true, force: true });
    }
  });

  it('reconcile (flux.expect/flux.reconcile reconcile: true) is bounded: a pass that never ends is a failed outcome within the timeout', async () => {
    const ctx = context();
    try {
      const stuck: LocalSourceReconciler = {
        apply: () => undefined,
        status: () => undefined,
        onChange: () => () => undefined,
        // What the real reconciler now does at its deadline (it used to wait for ever).
        reconcileNow: (_ref, opts) =>
          new Promise((_resolve, reject) => setTimeout(() => reject(new Error(`the reconcile of OCIRepository/flux-system/demo did not finish within ${opts.timeoutMs} ms`)), opts.timeoutMs)),
        stop: async () => undefined,
      };
      const t = new LocalTarget({ createReconciler: () => stuck });
      await t.prepare(ctx);
      const ref: ObjectRef = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', name: 'demo', namespace: 'flux-system' };
      const outcome = await t.reconcile(ref, { condition: 'Ready', timeoutMs: 200 }, ctx);
      expect(outcome).toMatchObject({ ok: false, message: 'the reconcile of OCIRepository/flux-system/demo did not finish within 200 ms' });
      await t.teardown();
    } finally {
      await ctx.cleanup.runAll();
      rmSync(ctx.dir, { recursive: true, force: true });
    }
  });
});
