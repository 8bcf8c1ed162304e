/**
 * measure.compare reports every run as it is measured (a sample per metric and one log line),
 * before the medians; and with `servers:` it measures against ocilab's Git server and
 * registry started in their own processes on the run's storage, so server CPU is theirs.
 * Real fetches: src/git's `tiny` fixture served by ocilab's Git server, its tree pushed as
 * an artifact to ocilab's registry on disk.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportedMeasurement } from '../../src/engine/action-definition.js';
import { createFixture, PRESETS } from '../../src/git/fixtures/index.js';
import { startGitServer, type GitServer } from '../../src/git/server/server.js';
import { measureActions } from '../../src/measure/actions.js';
import { pushArtifact } from '../../src/oci/remote.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { actionContext } from '../helpers/action-context.js';

let root: string;
let fixtures: string;
let storage: string;
let git: GitServer;
let registry: RegistryHandle;
const ac = new AbortController();
let gitRequests = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'measure-live-'));
  fixtures = join(root, 'fixtures');
  storage = join(root, 'registry');
  mkdirSync(fixtures);
  await createFixture(PRESETS.tiny, { dir: fixtures });
  const tree = join(root, 'tree');
  mkdirSync(tree);
  execFileSync('sh', ['-c', 'git --git-dir="$1" archive HEAD | tar -x -C "$2"', 'sh', join(fixtures, 'tiny.git'), tree]);
  git = await startGitServer({ root: fixtures, port: 0 });
  git.log.on('request', () => gitRequests++);
  registry = await startRegistry({ port: 0, dir: storage, signal: ac.signal });
  await pushArtifact(`oci://${registry.hostPort}/fleet/tiny:latest`, { path: tree, source: `${git.url}/tiny.git`, revision: 'main@sha1:fixture' });
}, 60_000);

afterAll(async () => {
  ac.abort();
  await registry?.close();
  await git?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

function context() {
  const measurements: ReportedMeasurement[] = [];
  const events: ({ kind: 'sample' | 'summary'; m: ReportedMeasurement } | { kind: 'line'; line: string })[] = [];
  const { ctx } = actionContext(root, {
    log: (line) => events.push({ kind: 'line', line }),
    report: (m) => {
      measurements.push(m);
      events.push({ kind: m.sample ? 'sample' : 'summary', m });
    },
  });
  return { ctx, measurements, events };
}

const action = measureActions.find((a) => a.name === 'measure.compare')!;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('measure.compare, run by run', () => {
  it('emits N samples per method in measuring order, one log line per run, then the medians', async () => {
    const { ctx, events } = context();
    const methods = [
      { type: 'git-cli', url: `${git.url}/tiny.git`, mode: 'shallow' },
      { type: 'git-cli', url: `${git.url}/tiny.git`, mode: 'ls-remote' },
      { type: 'oci', reference: `${registry.hostPort}/fleet/tiny:latest`, mode: 'pull' },
      { type: 'oci', reference: `${registry.hostPort}/fleet/tiny:latest`, mode: 'head' },
    ];
    const args = action.args.parse({ methods, runs: '3', warmup: 0, servers: { git: fixtures, registry: storage } });
    gitRequests = 0;
    expect(await action.run(args, ctx)).toEqual({ ok: true });

    // wall-time samples: interleaved rounds, every method's run k before any run k+1
    const walls = events.flatMap((e) => (e.kind === 'sample' && e.m.metric === 'wall_ms' ? [e.m] : []));
    expect(walls.map((m) => m.sample)).toEqual([1, 2, 3].flatMap((run) => methods.map(() => ({ run, of: 3 }))));
    expect(new Set(walls.slice(0, 4).map((m) => m.method)).size).toBe(4);
    for (const m of walls) expect(m.value).toBeGreaterThanOrEqual(0); // above each client's floor
    // every sample comes before the first median
    const firstSummary = events.findIndex((e) => e.kind === 'summary');
    const lastSample = events.map((e) => e.kind).lastIndexOf('sample');
    expect(firstSummary).toBeGreaterThan(lastSample);
    // one line per run, with the figures of that run
    const runLines = events.flatMap((e) => (e.kind === 'line' && / run \d\/3: /.test(e.line) ? [e.line] : []));
    expect(runLines).toHaveLength(12);
    expect(runLines[0]).toMatch(/^git\.cli\.shallow run 1\/3: [\d.]+ m?s · [\d.]+ (B|KiB) down · .* server CPU · 3 requests$/);
    expect(runLines.at(-1)).toMatch(/^oci\.ocilab\.head run 3\/3: .* · 1 request$/);
    // the samples of a run add up to what the medians summarise
    const sampleOf = (method: string, metric: string) =>
      events.flatMap((e) => (e.kind === 'sample' && e.m.method.startsWith(method) && e.m.metric === metric ? [e.m.value] : []));
    const summaryOf = (method: string, metric: string) =>
      events.flatMap((e) => (e.kind === 'summary' && e.m.method.startsWith(method) && e.m.metric === metric ? [e.m] : []))[0];
    const reqs = sampleOf('git clone --depth 1', 'requests');
    expect(reqs).toEqual([3, 3, 3]);
    expect(summaryOf('git clone --depth 1', 'requests')!.value).toBe(3);
    const walls3 = sampleOf('ocilab pull', 'wall_ms').sort((a, b) => a - b);
    expect(summaryOf('ocilab pull', 'wall_ms')!.value).toBe(walls3[1]);

    // server CPU from the servers' own processes, said where it comes from
    for (const method of ['git clone --depth 1', 'git ls-remote', 'ocilab pull', 'ocilab manifest HEAD']) {
      const cpu = summaryOf(method, 'server_cpu_ms');
      expect(cpu, method).toBeDefined();
      expect(cpu!.value, method).toBeGreaterThan(0);
      expect(cpu!.method_note, method).toMatch(/\/proc of the (Git server|registry)'s own process \(pid \d+\)/);
    }
    // the Git server of the run (this process) saw none of it; the server processes' request
    // logs reached the output, as the in-process servers' do (the wire view reads them)
    expect(gitRequests).toBe(0);
    const logged = events.flatMap((e) => (e.kind === 'line' ? [e.line] : []));
    expect(logged.filter((l) => /^POST \/tiny\.git\/git-upload-pack git-upload-pack \(fetch\) → 200 /.test(l))).toHaveLength(3);
    // 3 measured HEADs, and one per OCI method before its first run: the digest every run is checked against
    expect(logged.filter((l) => /^HEAD \/v2\/fleet\/tiny\/manifests\/latest 200 /.test(l))).toHaveLength(5);
    const pids = events.flatMap((e) => (e.kind === 'line' ? [...e.line.matchAll(/its own process \(pid (\d+)\)/g)].map((m) => Number(m[1])) : []));
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(alive(pid), `server process ${pid}`).toBe(false);
    expect(ctx.cleanup.size).toBe(0);
  }, 90_000);

  it('without own servers: samples still arrive and server CPU is left out, with the reason logged', async () => {
    const { ctx, measurements, events } = context();
    const args = action.args.parse({ methods: [{ type: 'oci', reference: `${registry.hostPort}/fleet/tiny:latest`, mode: 'head' }], runs: 2, warmup: 0 });
    expect(await action.run(args, ctx)).toEqual({ ok: true });
    expect(measurements.filter((m) => m.sample && m.metric === 'wall_ms').map((m) => m.sample!.run)).toEqual([1, 2]);
    expect(measurements.some((m) => m.metric === 'server_cpu_ms')).toBe(false);
    expect(events.some((e) => e.kind === 'line' && /^server CPU: n\/a unless a server runs in its own process/.test(e.line))).toBe(true);
  }, 30_000);
});
