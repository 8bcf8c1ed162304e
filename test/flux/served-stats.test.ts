/**
 * Bytes served by ocilab's own servers, read from another client (flux.measure): the real
 * Git server and registry answer GET /_ocilab/stats; a server that is not ocilab's (or
 * answers other JSON) is "not measured" with the reason.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitServer } from '../../src/git/server/server.js';
import { RegistryClient } from '../../src/oci/client.js';
import { parseReference } from '../../src/oci/reference.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { probeServed, probeTargetServers, statsUrlOf } from '../../src/flux/served-stats.js';
import type { Target } from '../../src/targets/target.js';

const exec = promisify(execFile);
const signal = new AbortController().signal;
let dir: string;
let git: GitServer;
let registry: RegistryHandle;
let other: Server;
let otherUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ocilab-served-'));
  await exec('git', ['init', '-q', '-b', 'main', join(dir, 'src')]);
  await exec('git', ['-C', join(dir, 'src'), '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-q', '--allow-empty', '-m', 'one']);
  await exec('git', ['clone', '-q', '--bare', join(dir, 'src'), join(dir, 'repos', 'fleet.git')]);
  git = await new GitServer({ root: join(dir, 'repos'), port: 0 }).start();
  registry = await startRegistry();
  // Not ocilab's: answers every path with JSON that is not ocilab's counters.
  other = createServer((req, res) => res.writeHead(req.url === '/_ocilab/stats' ? 200 : 404, { 'content-type': 'application/json' }).end('{"requests":1}'));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await git?.stop();
  await registry?.close();
  await new Promise((r) => other?.close(r));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bytes served by ocilab servers (GET /_ocilab/stats)', () => {
  it('the stats URL of a Git base URL and of a registry host[:port][/path]', () => {
    expect(statsUrlOf('git', 'http://172.18.0.1:8081')).toBe('http://172.18.0.1:8081/_ocilab/stats');
    expect(statsUrlOf('git', 'https://github.com/ada')).toBe('https://github.com/_ocilab/stats');
    expect(statsUrlOf('registry', '127.0.0.1:5000/ocilab', true)).toBe('http://127.0.0.1:5000/_ocilab/stats');
    expect(statsUrlOf('registry', 'ghcr.io/ada/ocilab', false)).toBe('https://ghcr.io/_ocilab/stats');
  });

  it("the Git server's totals grow by what a fetch cost; reading them is not counted", async () => {
    const probe = await probeServed('git', git.url, true, signal);
    expect(probe.meter, JSON.stringify(probe)).toBeDefined();
    const before = await probe.meter!.read(signal);
    expect(await probe.meter!.read(signal)).toEqual(before);
    await exec('git', ['ls-remote', `${git.url}/fleet.git`]);
    await git.settled();
    const after = await probe.meter!.read(signal);
    expect(after.requests - before.requests).toBeGreaterThanOrEqual(2);
    expect(after.bytesOut - before.bytesOut).toBeGreaterThan(100);
    expect(after.bytesOut).toBe(git.totals.bytesOut);
  });

  it("the registry's totals grow by what a HEAD served, in TCP bytes like the Git server's", async () => {
    const probe = await probeServed('registry', registry.hostPort, true, signal);
    expect(probe.meter).toBeDefined();
    const client = RegistryClient.forReference(parseReference(`${registry.hostPort}/fleet/x:latest`));
    const before = await probe.meter!.read(signal);
    try {
      expect(await client.headManifest('fleet/x', 'latest')).toBeUndefined();
    } finally {
      await client.close();
    }
    const bodyBefore = registry.stats.bytesOut;
    const after = await probe.meter!.read(signal);
    expect(after.requests).toBeGreaterThan(before.requests);
    expect(after).toMatchObject({ server: 'ocilab-registry', requests: registry.stats.requests });
    // TCP bytes, headers included, as the Git server counts them: more than the 404's body alone
    expect(after.bytesOut - before.bytesOut).toBeGreaterThan(100);
    expect(after.bytesOut - before.bytesOut).toBeGreaterThan(registry.stats.bytesOut - bodyBefore);
  });

  it('a server that is not ocilab\'s, or the wrong one of the two, is "not measured" with the reason', async () => {
    const foreign = await probeServed('registry', otherUrl.replace('http://', ''), true, signal);
    expect(foreign.meter).toBeUndefined();
    expect('notMeasured' in foreign && foreign.notMeasured).toMatch(/^not measured: registry not served by ocilab \(http:\/\/127\.0\.0\.1:\d+\/_ocilab\/stats does not answer with ocilab's registry counters\)$/);
    const swapped = await probeServed('registry', new URL(git.url).host, true, signal);
    expect('notMeasured' in swapped && swapped.notMeasured).toMatch(/not served by ocilab .*does not answer with ocilab's registry counters/);
    const closed = await probeServed('git', 'http://127.0.0.1:9', true, signal);
    expect('notMeasured' in closed && closed.notMeasured).toMatch(/^not measured: Git server not served by ocilab \(/);
  });

  it('Git is read where the cluster fetches (kind: the gateway server, not the host\'s loopback twin)', async () => {
    const t = { gitUrl: () => ({ host: otherUrl, cluster: git.url }), registryUrl: () => ({ host: registry.hostPort, cluster: `oci://${registry.hostPort}`, insecure: true }) } as unknown as Target;
    const probes = await probeTargetServers(t, signal);
    expect(probes.git.meter).toBeDefined();
  });
});
