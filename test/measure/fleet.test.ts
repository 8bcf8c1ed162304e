/**
 * The fleet (src/measure/fleet*.ts): the Git check sends what go-git sends and reads the real
 * `git http-backend`'s answer; the OCI check is one HEAD; a short fleet run counts what it should.
 * Counts only, never timings.
 */
import { execFileSync } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from '../../src/git/server/server.js';
import { pushArtifact } from '../../src/oci/remote.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { parseRefAdvertisement, readShallowPackResponse } from '../../src/measure/fleet-git-wire.js';
import { gitCheck, gitFetch, ociCheck, ociFetch, poll } from '../../src/measure/fleet-poll.js';
import { runFleet } from '../../src/measure/fleet.js';
import { renderReport } from '../../src/measure/output.js';
import { ReportSchema } from '../../src/measure/report-schema.js';
import { buildReport } from '../../src/measure/report.js';
import { makeGitRepo } from './git-fixture.js';

let dir: string;
let git: GitServer;
let front: Server;
let frontUrl: string;
const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
let head: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ocilab-fleet-test-'));
  const repo = makeGitRepo(dir, 3, 4, 200);
  head = execFileSync('git', ['--git-dir', repo, 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
  git = await startGitServer({ root: dir, port: 0 });
  const target = new URL(git.url);
  // a recording front: what the poller sends, byte for byte in its headers, then the real server's answer
  front = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const addr = front.address() as { port: number };
  frontUrl = `http://127.0.0.1:${addr.port}`;
});

afterAll(async () => {
  await new Promise((r) => front.close(r));
  await git.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Git check and fetch, as go-git', () => {
  const target = { kind: 'git' as const, repo: '/fleet.git', ref: 'refs/heads/main' };

  it('the check is one GET info/refs?service=git-upload-pack without a Git-Protocol header, and reads the real http-backend advertisement', async () => {
    seen.length = 0;
    const pool = new Pool(frontUrl);
    try {
      const r = await gitCheck(pool, target);
      expect(r.revision).toBe(head);
      expect(r.capabilities).toContain('shallow');
      expect(r.capabilities).toContain('side-band-64k');
    } finally {
      await pool.close();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('GET');
    expect(seen[0]!.url).toBe('/fleet.git/info/refs?service=git-upload-pack');
    expect(seen[0]!.headers['git-protocol']).toBeUndefined();
  });

  it('a poll without a change is the check alone; with one, a depth-1 fetch whose pack verifies', async () => {
    const pool = new Pool(frontUrl);
    try {
      seen.length = 0;
      const same = await poll(pool, target, head);
      expect(same).toMatchObject({ revision: head, fetched: false, requests: 1 });
      expect(seen).toHaveLength(1);
      seen.length = 0;
      const changed = await poll(pool, target, 'f'.repeat(40));
      expect(changed).toMatchObject({ revision: head, fetched: true, requests: 3 });
      expect(seen.map((s) => `${s.method} ${s.url.split('?')[0]}`)).toEqual(['GET /fleet.git/info/refs', 'GET /fleet.git/info/refs', 'POST /fleet.git/git-upload-pack']);
      expect(seen.every((s) => s.headers['git-protocol'] === undefined)).toBe(true);
      const pack = await gitFetch(pool, target, head);
      // depth 1 of a 3-app tree: the commit, its trees and the 9 files
      expect(pack.objects).toBeGreaterThanOrEqual(1 + 1 + 1 + 3 + 9);
    } finally {
      await pool.close();
    }
  });

  it('refuses a protocol v2 answer and a pack whose trailer does not match', () => {
    const v2 = Buffer.from('001e# service=git-upload-pack\n0000000eversion 2\n0000');
    expect(() => parseRefAdvertisement(v2)).toThrow(/protocol v2/);
    const pack = Buffer.alloc(32);
    pack.write('PACK');
    const band = Buffer.concat([Buffer.from([1]), pack]);
    const pkt = (b: Buffer) => Buffer.concat([Buffer.from((b.length + 4).toString(16).padStart(4, '0')), b]);
    const body = Buffer.concat([pkt(Buffer.from(`shallow ${head}\n`)), Buffer.from('0000'), pkt(Buffer.from('NAK\n')), pkt(band), Buffer.from('0000')]);
    expect(() => readShallowPackResponse(body)).toThrow(/checksum/);
  });
});

describe('OCI check', () => {
  let registry: RegistryHandle;
  const ac = new AbortController();
  beforeAll(async () => {
    registry = await startRegistry({ port: 0, signal: ac.signal });
    const tree = mkdtempSync(join(tmpdir(), 'ocilab-fleet-tree-'));
    execFileSync('sh', ['-c', `git --git-dir="${join(dir, 'fleet.git')}" archive main | tar -x -C "${tree}"`]);
    await pushArtifact(`oci://${new URL(registry.url).host}/fleet/t:latest`, { path: tree, source: 'test', revision: 'main@sha1:x' });
    rmSync(tree, { recursive: true, force: true });
  });
  afterAll(async () => {
    ac.abort();
    await registry.close();
  });

  it('is one manifest HEAD on the tag; a new digest brings the manifest and the layer, digests checked', async () => {
    const events: { method: string; path: string }[] = [];
    registry.on('request', (e: { method: string; path: string }) => events.push({ method: e.method, path: e.path }));
    const pool = new Pool(registry.url);
    try {
      const digest = await ociCheck(pool, { kind: 'oci', repo: 'fleet/t', ref: 'latest' });
      expect(events).toEqual([{ method: 'HEAD', path: '/v2/fleet/t/manifests/latest' }]);
      events.length = 0;
      await ociFetch(pool, { kind: 'oci', repo: 'fleet/t', ref: 'latest' }, digest);
      expect(events.map((e) => e.method)).toEqual(['GET', 'GET']);
      expect(events[0]!.path).toBe(`/v2/fleet/t/manifests/${digest}`);
      expect(events[1]!.path).toMatch(/^\/v2\/fleet\/t\/blobs\/sha256:/);
    } finally {
      await pool.close();
    }
  });
});

describe('a short fleet run', () => {
  it('N=5 for 3 s, polling every second, one change: every slot polled, every poller fetched once, 0 errors', { timeout: 120_000 }, async () => {
    const f = await runFleet({ clusters: 5, windowSeconds: 3, pollSeconds: 1, intervalMinutes: 1, changes: 1, workers: 2, preset: 'tiny', calibrationRuns: 1 });
    expect(f.transports.map((t) => t.kind)).toEqual(['git', 'oci']);
    for (const t of f.transports) {
      // 5 pollers × 3 slots (offsets 0–0.8 s, every 1 s, within 3 s)
      expect(t.measured.checks).toBe(15);
      expect(t.measured.errors).toBe(0);
      expect(t.measured.fetches).toBe(5);
      // a check is 1 request, a fetch 2 more; the proxy saw what the pollers sent
      expect(t.measured.clientRequests).toBe(15 + 5 * 2);
      expect(t.measured.requests).toBe(t.measured.clientRequests);
      expect(t.projected.polls).toBeCloseTo(15);
      expect(t.projected.fetches).toBeCloseTo(5);
      expect(t.projected.requests).toBeCloseTo(25);
      expect(t.measured.serverCpuMs).toBeGreaterThan(0);
      expect(t.ratio.serverCpu).not.toBeNull();
    }
    expect(f.equivalentClusters).toBe(300);
    const report = ReportSchema.parse({ ...buildReport([]), fleet: f });
    const plain = renderReport(report, 'plain');
    expect(plain).toContain('fleet: measured vs projected');
    expect(plain).toContain('forked node process');
    expect(renderReport(report, 'md')).toContain('## fleet: measured vs projected');
    expect(renderReport(report, 'html')).toContain('<h2>fleet: measured vs projected</h2>');
  });
});

describe('bad fleet options', () => {
  it('are refused with what to change, before anything starts', async () => {
    const { checkFleetOptions, FLEET_DEFAULTS } = await import('../../src/measure/fleet.js');
    const ok = { clusters: 5, ...FLEET_DEFAULTS };
    expect(() => checkFleetOptions(ok)).not.toThrow();
    expect(() => checkFleetOptions({ ...ok, clusters: 0 })).toThrow(/clusters must be a whole number ≥ 1/);
    expect(() => checkFleetOptions({ ...ok, pollSeconds: 40 })).toThrow(/≤ the window/);
    expect(() => checkFleetOptions({ ...ok, changes: 3 })).toThrow(/1.5 intervals apart/);
  });

  it('ocilab bench --fleet exits 2 on an impossible schedule', () => {
    execFileSync('node', ['scripts/build-if-stale.mjs'], { stdio: 'ignore' });
    let status = 0;
    let stderr = '';
    try {
      execFileSync('node', ['dist/cli.js', 'bench', '--fleet', '5', '--window', '5', '--poll-seconds', '10'], { stdio: 'pipe', encoding: 'utf8' });
    } catch (err) {
      status = (err as { status: number }).status;
      stderr = (err as { stderr: string }).stderr;
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(/poll interval must be > 0 and ≤ the window/);
  });
});
