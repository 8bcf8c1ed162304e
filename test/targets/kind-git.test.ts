/**
 * issue 7: on kind, Flux clones from ocilab's own Git server, bound to the kind network's
 * gateway as `docker network inspect kind` reports it (FAKE docker/kind shims from
 * test/fakes, which answer like docker 28: an IPv6 ULA subnet first, then 172.18.0.0/16).
 * No --git-url needed; an explicit one still wins. The bring-up stops at its first API
 * request (captured, never sent).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CleanupRegistry } from '../../src/process/cleanup.js';
import { ClusterOwnership } from '../../src/kind/ownership.js';
import { RunScope } from '../../src/engine/run-scope.js';
import { createTarget, targetParts } from '../../src/targets/index.js';
import { KindTarget } from '../../src/targets/kind.js';
import type { StartLocalGitServer } from '../../src/targets/local.js';
import type { TargetContext } from '../../src/targets/target.js';
import { captured, capturingClient } from '../kube/capture.js';
import { installFakeTools } from '../fakes/fake-tools.js';
import { fakeRunner } from '../kind/helpers.js';

const ctx = (workDir: string, cleanup = new CleanupRegistry()): TargetContext => ({ signal: new AbortController().signal, log: () => undefined, cleanup, workDir });

/** Records where the kind target asks for the Git server (binding 172.18.0.1 needs the real kind network). */
function recordingGitServer(calls: { root: string; host?: string }[]): StartLocalGitServer {
  return async ({ root, host }) => {
    calls.push({ root, host });
    return { url: `http://${host}:40123`, close: async () => undefined };
  };
}

describe('kind target: ocilab Git server on the kind network gateway (FAKE docker/kind)', () => {
  it('binds the gateway from `docker network inspect kind` and gives Flux that URL; target.down stops it', async () => {
    const fakes = await installFakeTools();
    const dir = await mkdtemp(join(tmpdir(), 'ocilab-kind-git-'));
    try {
      const calls: { root: string; host?: string }[] = [];
      const target = new KindTarget({ engine: 'docker', runner: fakeRunner(fakes), ownership: new ClusterOwnership(join(dir, 'owned.json')), client: capturingClient(), cacheDir: join(dir, 'cache'), startGitServer: recordingGitServer(calls) });
      await captured(target.prepare(ctx(dir)));
      expect(await fakes.commandLines()).toContain('docker network inspect kind --format {{json .}}');
      // the cluster clones from the gateway; this machine's own fetches (measure.compare's
      // counting proxy fronts loopback servers only) go to the same repositories on 127.0.0.1
      expect(calls).toEqual([
        { root: join(dir, 'fixtures'), host: '172.18.0.1' },
        { root: join(dir, 'fixtures'), host: '127.0.0.1' },
      ]);
      expect(target.gitUrl()).toEqual({ host: 'http://127.0.0.1:40123', cluster: 'http://172.18.0.1:40123' });
      expect(target.gitRoot()).toBe(join(dir, 'fixtures'));
      expect(await target.teardown(ctx(dir))).toContain('Git server http://172.18.0.1:40123 stopped');
    } finally {
      await fakes.remove();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('podman: the gateway comes from podman network inspect (subnets[].gateway)', async () => {
    const fakes = await installFakeTools({ docker: false, podman: true });
    const dir = await mkdtemp(join(tmpdir(), 'ocilab-kind-git-'));
    try {
      const calls: { root: string; host?: string }[] = [];
      const target = new KindTarget({ engine: 'podman', runner: fakeRunner(fakes), ownership: new ClusterOwnership(join(dir, 'owned.json')), client: capturingClient(), cacheDir: join(dir, 'cache'), startGitServer: recordingGitServer(calls) });
      await captured(target.prepare(ctx(dir)));
      expect(await fakes.commandLines()).toContain('podman network inspect kind --format {{json .}}');
      expect(calls.map((c) => c.host)).toEqual(['172.18.0.1', '127.0.0.1']);
    } finally {
      await fakes.remove();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--git-url wins: no Git server is started and Flux gets the given URL', async () => {
    const fakes = await installFakeTools();
    const dir = await mkdtemp(join(tmpdir(), 'ocilab-kind-git-'));
    try {
      const calls: { root: string; host?: string }[] = [];
      const target = new KindTarget({ engine: 'docker', runner: fakeRunner(fakes), ownership: new ClusterOwnership(join(dir, 'owned.json')), client: capturingClient(), cacheDir: join(dir, 'cache'), gitUrl: 'http://git.lan:3000/ada', startGitServer: recordingGitServer(calls) });
      await captured(target.prepare(ctx(dir)));
      expect(calls).toEqual([]);
      expect(await fakes.commandLines()).not.toContain('docker network inspect kind --format {{json .}}');
      expect(target.gitUrl()).toEqual({ host: 'http://git.lan:3000/ada', cluster: 'http://git.lan:3000/ada' });
      expect(target.gitRoot()).toBeUndefined();
    } finally {
      await fakes.remove();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('createTarget("kind") gets the real Git server, among the run\'s servers, which binds the host it is given', async () => {
    const parts = targetParts(new RunScope());
    const kind = createTarget('kind', {}, parts) as KindTarget;
    expect(createTarget('kind', { gitUrl: 'http://x:1' }, parts).gitUrl()).toEqual({ host: 'http://x:1', cluster: 'http://x:1' });
    // The real server with an explicit host (127.0.0.1 here; 172.18.0.1 exists only with a kind network).
    const dir = await mkdtemp(join(tmpdir(), 'ocilab-kind-git-'));
    const cleanup = new CleanupRegistry();
    try {
      const git = await kind.options.startGitServer!({ root: join(dir, 'fixtures'), host: '127.0.0.1', ctx: ctx(dir, cleanup) });
      expect(git.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(git.reused).toBe(false);
      expect(parts.git.serverFor(`${git.url}/none.git`)?.url).toBe(git.url);
      const res = await fetch(`${git.url}/none.git/info/refs?service=git-upload-pack`);
      expect(res.status).toBe(404);
      await git.close();
    } finally {
      await cleanup.runAll();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
