/**
 * The harness wired to ocilab's own servers and clients: the Git server and the registry run
 * as separate processes behind counting proxies (server CPU from /proc), the OCI client and
 * the local reconciler run in-process. Fixture: src/git's `tiny` preset.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, PRESETS } from '../../src/git/fixtures/index.js';
import { measureAll } from '../../src/measure/matrix.js';
import { controllerPathMethod } from '../../src/measure/methods/controller-path.js';
import { gitCliMethod } from '../../src/measure/methods/git-cli.js';
import { ocilabHeadMethod, ocilabPullMethod } from '../../src/measure/methods/ocilab-oci.js';
import type { MethodResult } from '../../src/measure/types.js';
import { pushArtifact } from '../../src/oci/remote.js';
import { startServerProcess, type MeteredServer } from '../../src/measure/server-processes.js';

let root: string;
let git: MeteredServer;
let registry: MeteredServer;
const r: Record<string, MethodResult> = {};
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'measure-wired-'));
  const fixtures = join(root, 'fixtures');
  mkdirSync(fixtures);
  await createFixture(PRESETS.tiny, { dir: fixtures });
  const tree = join(root, 'tree');
  mkdirSync(tree);
  execFileSync('sh', ['-c', 'git --git-dir="$1" archive HEAD | tar -x -C "$2"', 'sh', join(fixtures, 'tiny.git'), tree]);
  git = await startServerProcess('git', fixtures);
  registry = await startServerProcess('registry');
  await pushArtifact(`oci://${registry.hostPort}/fleet/tiny:latest`, { path: tree, source: `${git.url}/tiny.git`, revision: 'main@sha1:fixture' });
  const url = `${git.url}/tiny.git`;
  const gitSource = {
    apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'tiny', namespace: 'flux-system' },
    spec: { url, interval: '1m', timeout: '60s', ref: { branch: 'main' } },
  } as const;
  const ociSource = {
    apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'tiny', namespace: 'flux-system' },
    spec: { url: `oci://${registry.hostPort}/fleet/tiny`, interval: '1m', timeout: '60s', ref: { tag: 'latest' }, insecure: true },
  } as const;
  const methods = {
    shallow: gitCliMethod({ url, mode: 'shallow', ref: 'main', meter: git.meter }),
    lsRemote: gitCliMethod({ url, mode: 'ls-remote', ref: 'main', meter: git.meter }),
    pull: ocilabPullMethod({ reference: `${registry.hostPort}/fleet/tiny:latest`, meter: registry.meter }),
    head: ocilabHeadMethod({ reference: `${registry.hostPort}/fleet/tiny:latest`, meter: registry.meter }),
    gitFetch: controllerPathMethod({ source: gitSource as never, mode: 'fetch', meter: git.meter }),
    gitNoChange: controllerPathMethod({ source: gitSource as never, mode: 'no-change', meter: git.meter }),
    ociFetch: controllerPathMethod({ source: ociSource as never, mode: 'fetch', meter: registry.meter }),
    ociNoChange: controllerPathMethod({ source: ociSource as never, mode: 'no-change', meter: registry.meter }),
  };
  for (const m of Object.values(methods)) if ('close' in m) closers.push((m as { close(): Promise<void> }).close);
  const keys = Object.keys(methods) as (keyof typeof methods)[];
  const results = await measureAll(keys.map((k) => methods[k]), { runs: 2, warmup: 1, destRoot: root });
  keys.forEach((k, i) => (r[k] = results[i]!));
  for (const [k, v] of Object.entries(r)) {
    console.log(k, JSON.stringify(Object.fromEntries(Object.entries(v.stats).map(([m, s]) => [m, s?.median ?? null]))));
  }
}, 120_000);

afterAll(async () => {
  for (const c of closers) await c().catch(() => undefined);
  await git?.stop();
  await registry?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

const med = (k: string, m: keyof MethodResult['stats']) => r[k]!.stats[m]?.median ?? null;

describe('harness wired to ocilab servers and clients', () => {
  it('counts requests as the protocols define them', () => {
    expect(med('shallow', 'requests')).toBe(3); // GET info/refs, POST ls-refs, POST fetch (protocol v2)
    expect(med('lsRemote', 'requests')).toBe(2);
    expect(med('head', 'requests')).toBe(1);
    expect(med('pull', 'requests')).toBeGreaterThanOrEqual(2); // manifest + layer
  });

  it('server CPU comes from the server processes; bytes from the proxies', () => {
    for (const k of Object.keys(r)) {
      expect(med(k, 'serverCpuMs'), k).not.toBeNull();
      expect(med(k, 'bytesDown'), k).toBeGreaterThan(0);
    }
    expect(med('pull', 'bytesDown')!).toBeGreaterThan(med('head', 'bytesDown')!);
    expect(med('shallow', 'bytesDown')!).toBeGreaterThan(med('lsRemote', 'bytesDown')!);
  });

  it('the controller path checks first: a no-change pass costs the check alone', () => {
    expect(med('gitNoChange', 'requests')).toBe(med('lsRemote', 'requests'));
    expect(med('gitFetch', 'requests')!).toBeGreaterThan(med('gitNoChange', 'requests')!);
    expect(med('ociNoChange', 'requests')).toBe(1);
    expect(med('ociFetch', 'requests')!).toBeGreaterThan(1);
    expect(med('ociFetch', 'bytesDown')!).toBeGreaterThan(med('ociNoChange', 'bytesDown')!);
  });

  it('OCI pulls, one client process per run, report start-up and work phases and client CPU', () => {
    expect(Object.keys(r.pull!.phaseStats).sort()).toEqual(['network + extract', 'process start-up and ready']);
    expect(med('pull', 'clientCpuMs')!).toBeGreaterThanOrEqual(0); // above the client's floor: a tiny pull may not rise above its noise
  });
});
