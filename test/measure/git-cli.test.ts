import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCountingProxy, type CountingProxy } from '../../src/measure/counting-proxy.js';
import { measure } from '../../src/measure/harness.js';
import { gitCliMethod, type GitCliMode } from '../../src/measure/methods/git-cli.js';
import { proxyMeter } from '../../src/measure/traffic.js';
import type { FetchMethod, MethodResult } from '../../src/measure/types.js';
import { startGitDaemon } from './git-daemon.js';
import { makeGitRepo } from './git-fixture.js';

let root: string;
let daemon: Awaited<ReturnType<typeof startGitDaemon>>;
let proxy: CountingProxy;
const results = new Map<GitCliMode, MethodResult>();
const checkedOut = new Map<GitCliMode, string[]>();

/** Wrap a method to list what it checked out before the harness removes the directory. */
function recordingCheckout(mode: GitCliMode, m: FetchMethod): FetchMethod {
  return {
    ...m,
    async run(dest, signal) {
      const out = await m.run(dest, signal);
      if (mode !== 'ls-remote') {
        const apps = readdirSync(join(dest, 'checkout', 'apps'), { recursive: true }) as string[];
        checkedOut.set(mode, apps.sort());
      }
      return out;
    },
  };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'measure-gitcli-'));
  makeGitRepo(root, 12, 40, 3000);
  daemon = await startGitDaemon(root);
  proxy = await startCountingProxy({ targetHost: '127.0.0.1', targetPort: daemon.port });
  const url = `git://${proxy.hostPort}/fleet.git`;
  for (const mode of ['full', 'shallow', 'sparse', 'ls-remote'] as const) {
    const m = gitCliMethod({ url, mode, appPath: 'apps/app-007', meter: proxyMeter(proxy) });
    results.set(mode, await measure(recordingCheckout(mode, m), { runs: 3, warmup: 1, destRoot: root }));
  }
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await daemon?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('git CLI reference methods, real git over git:// through the counting proxy', () => {
  it('counts real bytes on the wire: full clone > shallow > ls-remote', () => {
    const down = (m: GitCliMode) => results.get(m)!.stats.bytesDown!.median;
    expect(down('full')).toBeGreaterThan(down('shallow'));
    expect(down('shallow')).toBeGreaterThan(down('ls-remote'));
    expect(down('ls-remote')).toBeGreaterThan(0);
    // blobless + sparse: one app's blobs instead of every app's (the server honours the filter)
    expect(down('sparse')).toBeLessThan(down('shallow') / 2);
    expect(results.get('full')!.stats.bytesUp!.median).toBeGreaterThan(0);
  });

  it('git:// is not HTTP, so requests are n/a rather than a guess', () => {
    expect(results.get('full')!.stats.requests).toBeNull();
  });

  it('measures client CPU and peak RSS of the git process tree, above the git client\'s own floor', () => {
    for (const r of results.values()) {
      expect(r.stats.clientCpuMs!.median).toBeGreaterThanOrEqual(0);
      expect(r.stats.clientPeakRssBytes!.median).toBeGreaterThanOrEqual(0);
      expect(r.stats.clientPeakRssBytes!.median).toBeLessThan(512 * 1024 * 1024);
      expect(r.notes.join('\n')).toMatch(/client figures above the client's own floor \(git --version, median of 3 in this run: /);
    }
    // a full clone costs the client more than listing refs, floor or not
    expect(results.get('full')!.stats.clientCpuMs!.median).toBeGreaterThan(results.get('ls-remote')!.stats.clientCpuMs!.median);
  });

  it('splits wall time into startup, fetch and checkout phases from git trace2', () => {
    const r = results.get('shallow')!;
    expect(Object.keys(r.phaseStats).sort()).toEqual(['checkout', 'fetch', 'startup']);
    for (const s of r.samples) {
      // phases are git's own timeline of the process, inside the harness's wall time (no timing
      // relation to wallMs is asserted: that is above the git --version floor, which varies with load)
      const sum = s.phases!.reduce((a, p) => a + p.ms, 0);
      expect(sum).toBeLessThanOrEqual(s.harnessWallMs! + 1);
      expect(sum).toBeGreaterThan(0);
      for (const p of s.phases!) expect(p.ms).toBeGreaterThanOrEqual(0);
    }
  });

  it('sparse checks out one app folder only; the others check out every app', () => {
    expect(checkedOut.get('sparse')).toEqual(['app-007', 'app-007/deployment.yaml', 'app-007/kustomization.yaml', 'app-007/service.yaml']);
    expect(checkedOut.get('shallow')!.filter((f) => !f.includes('/'))).toHaveLength(12);
  });
});
