/**
 * Interop with the real helm CLI (peer; scripts/ci/install-helm.sh): helm pulls and shows what
 * ocilab pushed, ocilab reads what helm pushed, and for the same archive ocilab's manifest is
 * byte-identical to helm's (same digest). Runs against ocilab's embedded registry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { RegistryClient } from '../../src/oci/client.js';
import { packageChart } from '../../src/helm/package.js';
import { readChartArchive } from '../../src/helm/archive.js';
import { chartConfigJson } from '../../src/helm/chart.js';
import { inspectChart, pushChart } from '../../src/helm/registry.js';
import { peer } from '../helpers/peers.js';

const helm = peer('helm', 'scripts/ci/install-helm.sh (go install helm.sh/helm/v4/cmd/helm@v4.3.1)');
const run = promisify(execFile);
const CHART = resolve('cluster/charts/podinfo-lite');

describe.skipIf(!helm)('helm CLI ⇄ ocilab over OCI', () => {
  let reg: RegistryHandle;
  let work: string;
  const h = (args: string[]) =>
    run(helm!, args, {
      env: { ...process.env, HELM_CACHE_HOME: join(work, 'hc'), HELM_CONFIG_HOME: join(work, 'hcfg'), HELM_DATA_HOME: join(work, 'hd') },
      timeout: 60_000,
    });

  beforeAll(async () => {
    reg = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'ocilab-helm-peer-'));
  });
  afterAll(async () => {
    await reg?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('helm pull --plain-http gets exactly the archive ocilab pushed; helm show reads it', async () => {
    const p = await packageChart(CHART, join(work, 'ours'));
    const r = await pushChart(p.path, `oci://${reg.hostPort}/charts`);
    await mkdir(join(work, 'pulled'), { recursive: true }); // helm pull does not create --destination
    const { stdout, stderr } = await h(['pull', `oci://${reg.hostPort}/charts/podinfo-lite`, '--version', '0.1.0', '--plain-http', '--destination', join(work, 'pulled')]);
    expect(`${stdout}${stderr}`).toContain(`Digest: ${r.digest}`);
    expect(await readFile(join(work, 'pulled', 'podinfo-lite-0.1.0.tgz'))).toEqual(p.bytes);
    const values = await h(['show', 'values', `oci://${reg.hostPort}/charts/podinfo-lite`, '--version', '0.1.0', '--plain-http']);
    expect(values.stdout).toContain('replicaCount: 1');
    const chart = await h(['show', 'chart', `oci://${reg.hostPort}/charts/podinfo-lite`, '--version', '0.1.0', '--plain-http']);
    expect(chart.stdout).toMatch(/^name: podinfo-lite$/m);
    // helm can render ocilab's package (templates, helpers, values): no cluster needed for `template`
    const rendered = await h(['template', 'demo', join(work, 'pulled', 'podinfo-lite-0.1.0.tgz')]);
    expect(rendered.stdout).toContain('image: "ghcr.io/stefanprodan/podinfo:6.7.1"');
  });

  it('ocilab reads a chart helm packaged and pushed; config bytes and manifest match ocilab\'s byte for byte', async () => {
    await h(['package', CHART, '--destination', join(work, 'theirs'), '--version', '0.3.0']);
    const tgz = join(work, 'theirs', 'podinfo-lite-0.3.0.tgz');
    const when = new Date('2026-11-27T12:00:00Z');
    await utimes(tgz, when, when); // helm push uses the file's mtime as image.created
    const pushed = await h(['push', tgz, `oci://${reg.hostPort}/helm-pushed`, '--plain-http']);
    const helmDigest = /Digest: (sha256:[0-9a-f]{64})/.exec(`${pushed.stdout}${pushed.stderr}`)![1]!;
    const i = await inspectChart(`oci://${reg.hostPort}/helm-pushed/podinfo-lite:0.3.0`);
    expect(i.digest).toBe(helmDigest);
    expect(i.metadata).toMatchObject({ name: 'podinfo-lite', version: '0.3.0', appVersion: '6.7.1' });
    expect(i.archive.values).toContain('replicaCount: 1');
    expect(i.archive.helmGzipHeader).toBe(true);
    const c = new RegistryClient({ registry: reg.hostPort, insecure: true });
    const m = await c.getManifest('helm-pushed/podinfo-lite', '0.3.0');
    const cfg = await c.fetchBlob('helm-pushed/podinfo-lite', i.config.digest);
    await c.close();
    expect(cfg.toString()).toBe(chartConfigJson((await readChartArchive(await readFile(tgz))).metadata).toString());
    // the same archive pushed by ocilab gives the same manifest bytes, hence the same digest
    const ours = await pushChart(tgz, `oci://${reg.hostPort}/ocilab-pushed`);
    expect(ours.digest).toBe(helmDigest);
    expect(Object.keys(m.json)).toEqual(['schemaVersion', 'config', 'layers', 'annotations']);
  });

  it('helm package and ocilab package write the same files and the same Chart.yaml', async () => {
    await h(['package', CHART, '--destination', join(work, 'cmp')]);
    const theirs = await readChartArchive(await readFile(join(work, 'cmp', 'podinfo-lite-0.1.0.tgz')));
    const ours = await readChartArchive((await packageChart(CHART, join(work, 'cmp-ours'))).bytes);
    expect(ours.entries.map((e) => [e.name, e.size, e.mode])).toEqual(theirs.entries.map((e) => [e.name, e.size, e.mode]));
    expect(ours.chartYaml).toBe(theirs.chartYaml);
  });
});
