import { summarizeSamples } from '../../src/measure/harness.js';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCountingProxy, type CountingProxy } from '../../src/measure/counting-proxy.js';
import { measure } from '../../src/measure/harness.js';
import { firstLayerDigest, ociCliMethod, type OciCliOptions } from '../../src/measure/methods/oci-cli.js';
import { proxyMeter } from '../../src/measure/traffic.js';
import type { FetchMethod, MethodResult } from '../../src/measure/types.js';
import { peer } from '../helpers/peers.js';
import { pushFluxArtifact, startDistribution, type DistributionRegistry } from './distribution-registry.js';

const hint = 'scripts/ci/install-measure.sh';
const tools = { registry: peer('docker-registry', hint), curl: peer('curl', hint), skopeo: peer('skopeo', hint) };
const ready = Boolean(tools.registry && tools.curl && tools.skopeo);

let root: string;
let registry: DistributionRegistry;
let proxy: CountingProxy;
const layerSize: Record<string, number> = {};
const results: Record<string, MethodResult> = {};
const extracted: Record<string, string[]> = {};

/** A tree of app manifests with incompressible padding, like a fleet repo's HEAD. */
function writeFleet(dir: string, apps: number): void {
  let seed = 7;
  const noise = (n: number) => {
    let s = '';
    while (s.length < n) s += (seed = (seed * 1103515245 + 12345) % 2 ** 31).toString(16);
    return s.slice(0, n);
  };
  for (let a = 0; a < apps; a++) {
    const app = join(dir, 'apps', `app-${String(a).padStart(3, '0')}`);
    mkdirSync(app, { recursive: true });
    for (const f of ['deployment.yaml', 'service.yaml', 'kustomization.yaml']) writeFileSync(join(app, f), `kind: ${f}\n# ${noise(1500)}\n`);
  }
}

function recording(key: string, m: FetchMethod): FetchMethod {
  return {
    ...m,
    async run(dest, signal) {
      const out = await m.run(dest, signal);
      try {
        extracted[key] = readdirSync(join(dest, 'out'), { recursive: true }) as string[];
      } catch {
        // no extraction for this method
      }
      return out;
    },
  };
}

beforeAll(async () => {
  if (!ready) return;
  root = await mkdtemp(join(tmpdir(), 'measure-oci-'));
  registry = await startDistribution(tools.registry!, root);
  writeFleet(join(root, 'fleet'), 12);
  layerSize.whole = await pushFluxArtifact(registry.hostPort, 'fleet/whole', 'latest', join(root, 'fleet'), root);
  layerSize.app = await pushFluxArtifact(registry.hostPort, 'fleet/app-007', 'latest', join(root, 'fleet', 'apps', 'app-007'), root);
  proxy = await startCountingProxy({ targetHost: '127.0.0.1', targetPort: Number(registry.hostPort.split(':')[1]) });
  const meter = proxyMeter(proxy, { serverPid: registry.pid });
  const base = { registry: proxy.hostPort, reference: 'latest', meter };
  const cases: [string, OciCliOptions][] = [
    ['curl.whole', { ...base, repository: 'fleet/whole', tool: 'curl', mode: 'pull' }],
    ['curl+untar.whole', { ...base, repository: 'fleet/whole', tool: 'curl', mode: 'pull', untar: true }],
    ['curl+untar.app', { ...base, repository: 'fleet/app-007', tool: 'curl', mode: 'pull', untar: true }],
    ['skopeo+untar.whole', { ...base, repository: 'fleet/whole', tool: 'skopeo', mode: 'pull', untar: true }],
    ['head.whole', { ...base, repository: 'fleet/whole', tool: 'curl', mode: 'head' }],
  ];
  for (const [key, o] of cases) results[key] = await measure(recording(key, ociCliMethod(o)), { runs: 3, warmup: 1, destRoot: root });
}, 90_000);

afterAll(async () => {
  await proxy?.close();
  await registry?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe.skipIf(!ready)('OCI reference methods against the distribution registry, through the counting proxy', () => {
  it('a curl pull is two GETs moving the layer plus a manifest', () => {
    const r = results['curl.whole']!;
    expect(r.stats.requests!.median).toBe(2);
    expect(r.stats.bytesDown!.median).toBeGreaterThan(layerSize.whole!);
    expect(r.stats.bytesDown!.median).toBeLessThan(layerSize.whole! + 4096);
    // whole-process figures: measured and kept in the samples, n/a* beside the ready-client rows
    const sampled = summarizeSamples(r.samples);
    expect(sampled.clientCpuMs!.median).toBeGreaterThan(0);
    expect(sampled.clientPeakRssBytes!.median).toBeGreaterThan(1024 * 1024);
    expect(r.stats.clientCpuMs).toBeNull();
  });

  it('the no-change check is one HEAD of a few hundred bytes', () => {
    const r = results['head.whole']!;
    expect(r.stats.requests!.median).toBe(1);
    expect(r.stats.bytesDown!.median).toBeLessThan(2048);
  });

  it('one app ships a fraction of the whole tree', () => {
    expect(results['curl+untar.app']!.stats.bytesDown!.median).toBeLessThan(results['curl+untar.whole']!.stats.bytesDown!.median / 5);
    expect(extracted['curl+untar.app']!.sort()).toEqual(['deployment.yaml', 'kustomization.yaml', 'service.yaml']);
    expect(extracted['curl+untar.whole']!.filter((f) => f.endsWith('.yaml'))).toHaveLength(36);
  });

  it('skopeo needs more requests than curl (ping, manifest, config, layer)', () => {
    const r = results['skopeo+untar.whole']!;
    expect(r.stats.requests!.median).toBeGreaterThanOrEqual(4);
    expect(extracted['skopeo+untar.whole']!.filter((f) => f.endsWith('.yaml'))).toHaveLength(36);
  });

  it('network and extraction are separate phases; the server CPU comes from /proc', () => {
    const r = results['curl+untar.whole']!;
    expect(Object.keys(r.phaseStats).sort()).toEqual(['extract', 'network']);
    expect(r.stats.serverCpuMs).not.toBeNull();
    expect(r.stats.serverCpuMs!.max).toBeGreaterThan(0);
  });

  it('rejects a manifest without a layer', () => {
    expect(() => firstLayerDigest('{"layers":[]}', 'x:1')).toThrow('x:1: the manifest has no sha256 layer');
    expect(() => firstLayerDigest('<html>', 'x:1')).toThrow('not JSON');
  });
});
