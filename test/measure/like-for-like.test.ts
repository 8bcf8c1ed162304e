/**
 * The side-by-side compares like with like, and every figure is of work that was done.
 *
 * 1. The git-vs-oci methods measured by measure.compare while this (the measuring) process
 *    holds a 320 MiB ballast: no OCI row's peak RSS or client CPU is this process's own. On the
 *    old in-process rows the OCI peak RSS was the whole ocilab process (≥ the ballast here)
 *    and the CPU was process.cpuUsage of it; now each run is a client process of its own,
 *    measured by the same wrappers as git.
 * 2. A run that did not do the work fails its row with the reason, and measure.compare says
 *    so, instead of the row becoming a figure: a Git server whose HEAD names a branch that
 *    was never pushed (git clone of it "succeeds" with an empty repository), and an artifact
 *    that is not the one named.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedGitEnv } from '../../src/git/git-binary.js';
import { createFixture, PRESETS } from '../../src/git/fixtures/index.js';
import { startGitServer, type GitServer } from '../../src/git/server/server.js';
import { parseReport } from '../../src/measure/report.js';
import { pushArtifact } from '../../src/oci/remote.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { measureCompare, measureContext } from './action-context.js';

let root: string;
let git: GitServer;
let registry: RegistryHandle;
const ac = new AbortController();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'measure-like-'));
  const fixtures = join(root, 'fixtures');
  mkdirSync(fixtures);
  await createFixture(PRESETS.tiny, { dir: fixtures });
  const tree = join(root, 'tree');
  mkdirSync(tree);
  execFileSync('sh', ['-c', 'git --git-dir="$1" archive HEAD | tar -x -C "$2"', 'sh', join(fixtures, 'tiny.git'), tree]);
  // the case from the rig: the repository's HEAD names `master`, only `main` was pushed
  execFileSync('git', ['clone', '--quiet', '--bare', join(fixtures, 'tiny.git'), join(fixtures, 'other-head.git')], { env: isolatedGitEnv() });
  execFileSync('git', ['--git-dir', join(fixtures, 'other-head.git'), 'symbolic-ref', 'HEAD', 'refs/heads/master'], { env: isolatedGitEnv() });
  git = await startGitServer({ root: fixtures, port: 0 });
  registry = await startRegistry({ port: 0, signal: ac.signal });
  await pushArtifact(`oci://${registry.hostPort}/fleet/tiny:latest`, { path: tree, source: `${git.url}/tiny.git`, revision: 'main@sha1:fixture' });
}, 60_000);

afterAll(async () => {
  ac.abort();
  await registry?.close();
  await git?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

const context = () => measureContext(root);
const action = measureCompare;
const ownRssBytes = () => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

describe('like for like', () => {
  it("no OCI row's peak RSS or client CPU is the measuring process's own", async () => {
    const ballast = Buffer.alloc(320 * 2 ** 20, 1); // touched: resident in this process
    try {
      expect(ownRssBytes()).toBeGreaterThan(320 * 2 ** 20);
      const { ctx, measurements } = context();
      const ref = `${registry.hostPort}/fleet/tiny:latest`;
      const methods = [
        { type: 'git-cli', url: `${git.url}/tiny.git`, mode: 'shallow', ref: 'main' },
        { type: 'oci', reference: ref, mode: 'pull' },
        { type: 'oci', reference: ref, mode: 'head' },
      ];
      const args = action.args.parse({ methods, runs: 2, warmup: 0, report: ['like.json'] });
      expect(await action.run(args, ctx)).toEqual({ ok: true });

      const report = parseReport(readFileSync(join(root, 'like.json'), 'utf8'));
      const oci = report.results.filter((r) => r.kind === 'oci');
      expect(oci).toHaveLength(2);
      for (const r of oci) {
        expect(r.client).toBe('node process, ocilab OCI client (src/oci only)');
        expect(r.notComparable).toEqual({});
        // a client process of its own: far below the 320 MiB this process holds
        for (const s of r.samples) expect(s.clientPeakRssBytes!, r.methodId).toBeLessThan(200 * 2 ** 20);
        // CPU and RSS taken by the kernel for the child, as for git, not this process's counters
        // the child's own work, reported by the child: nothing of this process's counters
        expect(r.notes.join('\n')).toContain("client figures: the child's own work once its modules are loaded and its HTTP stack ready");
        expect(r.notes.join('\n')).not.toMatch(/process\.cpuUsage delta of the ocilab process|VmHWM of the ocilab process/);
        expect(r.phaseStats['process start-up and ready']!.median).toBeGreaterThan(0);
        for (const s of r.samples) expect(s.clientCpuMs!, r.methodId).toBeLessThan(s.harnessWallMs! * 2 + 50);
      }
      const gitRow = report.results.find((r) => r.kind === 'git')!;
      expect(gitRow.client).toBe('git CLI process');
      expect(gitRow.notes.join('\n')).toContain('client CPU: getrusage(RUSAGE_CHILDREN) of the process tree via bash time');
      expect(gitRow.notes.join('\n')).toMatch(/client figures above the client's own floor \(git --version/);
      // every chart figure says which row, transport and client it is
      const charted = measurements.filter((m) => m.stats);
      expect(charted.length).toBeGreaterThan(0);
      for (const m of charted) expect(m).toMatchObject({ methodId: expect.any(String), transport: expect.stringMatching(/^(git|oci)$/), client: expect.any(String), short: expect.any(String) });
      expect(charted.filter((m) => m.transport === 'oci' && m.metric === 'peak_rss_bytes').every((m) => m.value < 200 * 2 ** 20)).toBe(true);
    } finally {
      ballast.fill(0);
    }
  }, 90_000);

  it('a run that did not do its work fails its row with the reason; the other rows are measured', async () => {
    const { ctx, lines } = context();
    const methods = [
      // HEAD names master, which does not exist: the clone would be empty
      { type: 'git-cli', url: `${git.url}/other-head.git`, mode: 'shallow' },
      // the branch the GitRepository names: measured
      { type: 'git-cli', url: `${git.url}/other-head.git`, mode: 'shallow', ref: 'main' },
      { type: 'git-cli', url: `${git.url}/other-head.git`, mode: 'ls-remote', ref: 'release' },
      // not the artifact the comparison is about
      { type: 'oci', reference: `${registry.hostPort}/fleet/tiny:latest`, mode: 'pull', expectDigest: `sha256:${'0'.repeat(64)}` },
    ];
    const args = action.args.parse({ methods, runs: 1, warmup: 0, report: ['failed.json'] });
    const result = await action.run(args, ctx);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^3 of 4 rows did not do their work/);
    expect(result.message).toContain('has no HEAD');
    expect(result.message).toContain('has no branch "release"');
    expect(result.message).toMatch(/resolved to sha256:[0-9a-f]{64}, expected sha256:0{64}/);
    expect(lines.filter((l) => l.includes('row failed, no figures'))).toHaveLength(3);

    const report = parseReport(readFileSync(join(root, 'failed.json'), 'utf8'));
    const [noHead, main, release, wrongDigest] = report.results;
    for (const r of [noHead!, release!, wrongDigest!]) {
      expect(r.failure).toBeDefined();
      expect(r.samples).toEqual([]);
      expect(Object.values(r.stats).every((s) => s === null)).toBe(true);
    }
    expect(main!.failure).toBeUndefined();
    expect(main!.stats.wallMs!.n).toBe(1);
  }, 90_000);
});
