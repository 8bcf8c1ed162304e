/**
 * ocilab's own `artifact pull` measured as a CLI process (the built dist/cli.js), against
 * ocilab's registry through the counting proxy: what a user running the command pays,
 * node start-up included, beside the in-process client's figures.
 */
import { summarizeSamples } from '../../src/measure/harness.js';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCountingProxy, type CountingProxy } from '../../src/measure/counting-proxy.js';
import { measure } from '../../src/measure/harness.js';
import { ociCliMethod, ocilabCli } from '../../src/measure/methods/oci-cli.js';
import { proxyMeter } from '../../src/measure/traffic.js';
import { pushArtifact } from '../../src/oci/remote.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { ensureBuilt } from '../helpers/built-cli.js';

let root: string;
let registry: RegistryHandle;
let proxy: CountingProxy;
const ac = new AbortController();

beforeAll(async () => {
  ensureBuilt();
  root = await mkdtemp(join(tmpdir(), 'measure-ocilab-cli-'));
  registry = await startRegistry({ port: 0, signal: ac.signal });
  const app = join(root, 'tree', 'apps', 'app-000');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\n');
  writeFileSync(join(app, 'service.yaml'), 'apiVersion: v1\nkind: Service\n');
  await pushArtifact(`oci://${registry.hostPort}/fleet/app:latest`, { path: join(root, 'tree'), source: 'test', revision: 'main@sha1:0' });
  proxy = await startCountingProxy({ targetHost: '127.0.0.1', targetPort: Number(registry.hostPort.split(':')[1]) });
}, 180_000);
afterAll(async () => {
  await proxy?.close();
  ac.abort();
  await registry?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('ocilab artifact pull as a measured CLI process', () => {
  it('runs the built CLI, extracts the tree, and counts its requests, bytes, CPU and memory', async () => {
    expect(ocilabCli().args[0]).toMatch(/dist\/cli\.js$/);
    const listed: string[][] = [];
    const base = ociCliMethod({ registry: proxy.hostPort, repository: 'fleet/app', reference: 'latest', tool: 'ocilab', mode: 'pull', meter: proxyMeter(proxy) });
    const method = {
      ...base,
      async run(dest: string, signal: AbortSignal) {
        const out = await base.run(dest, signal);
        listed.push((readdirSync(join(dest, 'out'), { recursive: true }) as string[]).sort());
        return out;
      },
    };
    const r = await measure(method, { runs: 2, warmup: 0, destRoot: root });
    expect(r.methodId).toBe('oci.cli.ocilab');
    expect(listed).toEqual([0, 1].map(() => ['apps', 'apps/app-000', 'apps/app-000/deployment.yaml', 'apps/app-000/service.yaml']));
    expect(r.stats.requests!.median).toBeGreaterThanOrEqual(2); // manifest + layer
    expect(r.stats.bytesDown!.median).toBeGreaterThan(200);
    // whole-process figures: measured and kept in the samples, n/a* beside the ready-client rows
    const sampled = summarizeSamples(r.samples);
    expect(sampled.clientCpuMs!.median).toBeGreaterThan(20); // a node process starting
    expect(sampled.clientPeakRssBytes!.median).toBeGreaterThan(20 * 2 ** 20);
    expect(r.stats.clientCpuMs).toBeNull();
    expect(r.notComparable.clientCpuMs).toMatch(/^whole ocilab CLI process/);
    expect(Object.keys(r.phaseStats)).toEqual(['process (start-up + pull + extract)']);
    expect(() => ociCliMethod({ registry: 'x:1', repository: 'r', reference: 'latest', tool: 'ocilab', mode: 'pull', untar: true })).toThrow(/extracts by itself/);
  }, 120_000);
});
