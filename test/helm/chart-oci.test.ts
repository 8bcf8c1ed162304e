import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { RegistryClient } from '../../src/oci/client.js';
import { packageChart, chartYamlForArchive } from '../../src/helm/package.js';
import { readChartArchive } from '../../src/helm/archive.js';
import { chartConfigJson, loadChartDir, ChartError } from '../../src/helm/chart.js';
import { describeChart, inspectChart, listChartVersions, pushChart } from '../../src/helm/registry.js';
import { HELM_CHART_LAYER, HELM_CONFIG } from '../../src/helm/media-types.js';
import { rawTar, type RawEntry } from '../oci/tar-fixtures.js';

const CHART = resolve('cluster/charts/podinfo-lite');

describe('helm chart packaging (helm package layout)', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ocilab-helm-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('writes <name>-<version>.tgz with <name>/ entries in Helm\'s order and Helm\'s gzip header', async () => {
    const p = await packageChart(CHART, join(work, 'out'));
    expect(p.path).toBe(join(work, 'out', 'podinfo-lite-0.1.0.tgz'));
    const a = await readChartArchive(p.bytes);
    expect(a.topDir).toBe('podinfo-lite');
    expect(a.entries.map((e) => e.name)).toEqual(['Chart.yaml', 'values.yaml', 'templates/NOTES.txt', 'templates/_helpers.tpl', 'templates/deployment.yaml', 'templates/service.yaml', '.helmignore']);
    expect(a.entries.every((e) => e.mode === 0o644)).toBe(true);
    expect(a.helmGzipHeader).toBe(true);
    expect(a.metadata).toMatchObject({ name: 'podinfo-lite', version: '0.1.0', appVersion: '6.7.1', apiVersion: 'v2' });
    expect(a.values).toContain('replicaCount: 1');
    // the tar has file entries only, no directory entries (save.go writeToTar)
    const tar = gunzipSync(p.bytes);
    expect(tar.subarray(0, 100).toString('latin1').replace(/\0+$/, '')).toBe('podinfo-lite/Chart.yaml');
  });

  it('re-serialises Chart.yaml with sorted keys and the config blob in Go struct order', async () => {
    const c = await loadChartDir(CHART);
    expect(chartYamlForArchive(c.metadata).split('\n')[0]).toBe('apiVersion: v2');
    expect(chartConfigJson(c.metadata).toString()).toBe(
      '{"name":"podinfo-lite","home":"https://github.com/stefanprodan/podinfo","sources":["https://github.com/stefanprodan/podinfo"],"version":"0.1.0","description":"podinfo, the demo app, as a minimal Helm chart","keywords":["demo","flux","oci"],"maintainers":[{"name":"ocilab","email":"ocilab@example.com"}],"apiVersion":"v2","appVersion":"6.7.1","type":"application"}',
    );
  });

  it('refuses a bad chart with the file and field named, and writes nothing', async () => {
    const bad = join(work, 'bad');
    await cp(CHART, bad, { recursive: true });
    await writeFile(join(bad, 'Chart.yaml'), 'apiVersion: v2\nname: bad\nversion: one\n');
    await expect(packageChart(bad, join(work, 'bad-out'))).rejects.toThrow(/Chart\.yaml: version: must be a SemVer 2 version/);
    await expect(loadChartDir(join(work, 'nope'))).rejects.toBeInstanceOf(ChartError);
  });

  it('refuses archives that escape the chart directory', async () => {
    const evil = Buffer.alloc(1536);
    // hand-made tar entry named ../x (checksum computed below)
    evil.write('../x', 0, 'latin1');
    evil.write('0000644\0', 100, 'latin1');
    evil.write('00000000000\0', 124, 'latin1');
    evil.write('00000000000\0', 136, 'latin1');
    evil.write('        ', 148, 'latin1');
    evil.write('0', 156, 'latin1');
    evil.write('ustar\x0000', 257, 'latin1');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += evil[i]!;
    evil.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    await expect(readChartArchive(gzipSync(evil), 'evil.tgz')).rejects.toThrow('evil.tgz: entry "../x" contains a ".." component');
  });
});

describe('hostile chart archives (read with the safe extractor\'s rules)', () => {
  const chartYaml = 'apiVersion: v2\nname: c\nversion: 0.1.0\n';

  it('refuses a truncated archive instead of reading a file cut short', async () => {
    const tar = rawTar([{ path: 'c/Chart.yaml', body: chartYaml }, { path: 'c/values.yaml', body: 'a: 1\n', size: 4000 }], { gzip: false });
    await expect(readChartArchive(gzipSync(tar.subarray(0, 4 * 512)), 'cut.tgz')).rejects.toThrow(/^cut\.tgz: not a readable tar\+gzip archive \(TAR_BAD_ARCHIVE: Truncated input/);
  });

  it.each<[string, RawEntry, string]>([
    ['a symlink out of the chart', { path: 'c/templates/x.yaml', type: 'SymbolicLink', linkpath: '/etc/passwd' }, 'evil.tgz: entry "c/templates/x.yaml" is a symlink to "/etc/passwd"'],
    ['a hard link', { path: 'c/values.yaml', type: 'Link', linkpath: 'c/Chart.yaml' }, 'evil.tgz: entry "c/values.yaml" is a hard link to "c/Chart.yaml"'],
    ['an absolute name', { path: '/c/values.yaml', body: 'a: 1\n' }, 'evil.tgz: entry "/c/values.yaml" is an absolute path'],
    ['a device', { path: 'c/dev', type: 'CharacterDevice' }, 'evil.tgz: entry "c/dev" has type CharacterDevice'],
  ])('refuses %s with the entry named', async (_what, entry, text) => {
    const err = await readChartArchive(rawTar([{ path: 'c/Chart.yaml', body: chartYaml }, entry]), 'evil.tgz').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChartError);
    expect((err as Error).message).toContain(text);
  });

  it('stops a gzip bomb at the cap', async () => {
    const bomb = rawTar([{ path: 'c/Chart.yaml', body: chartYaml }, { path: 'c/zeros', body: Buffer.alloc(8 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(readChartArchive(bomb, 'bomb.tgz', 1024 * 1024)).rejects.toThrow('bomb.tgz: entry "c/zeros": files add up to more than 1048576 bytes');
  });
});

describe('helm charts in ocilab\'s embedded registry', () => {
  let reg: RegistryHandle;
  let work: string;
  beforeAll(async () => {
    reg = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'ocilab-helm-reg-'));
  });
  afterAll(async () => {
    await reg?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('pushes with Helm\'s media types, tag = version, and the annotations helm push sets', async () => {
    const p = await packageChart(CHART, work);
    const when = new Date('2026-11-27T10:00:00Z');
    await utimes(p.path, when, when);
    const r = await pushChart(p.path, `oci://${reg.hostPort}/charts`);
    expect(r.ref).toBe(`${reg.hostPort}/charts/podinfo-lite:0.1.0`);
    const c = new RegistryClient({ registry: reg.hostPort, insecure: true });
    const m = await c.getManifest('charts/podinfo-lite', '0.1.0');
    await c.close();
    expect(m.descriptor.digest).toBe(r.digest);
    expect(Object.keys(m.json)).toEqual(['schemaVersion', 'config', 'layers', 'annotations']);
    expect((m.json.config as { mediaType: string }).mediaType).toBe(HELM_CONFIG);
    expect((m.json.layers as { mediaType: string; digest: string }[])[0]).toEqual({ mediaType: HELM_CHART_LAYER, digest: p.digest, size: p.size });
    expect(m.json.annotations).toEqual({
      'org.opencontainers.image.authors': 'ocilab (ocilab@example.com)',
      'org.opencontainers.image.created': '2026-11-27T10:00:00Z',
      'org.opencontainers.image.description': 'podinfo, the demo app, as a minimal Helm chart',
      'org.opencontainers.image.source': 'https://github.com/stefanprodan/podinfo',
      'org.opencontainers.image.title': 'podinfo-lite',
      'org.opencontainers.image.url': 'https://github.com/stefanprodan/podinfo',
      'org.opencontainers.image.version': '0.1.0',
    });
  });

  it('lists SemVer tags newest first (other tags ignored) and inspects name, version and values', async () => {
    const v2 = join(work, 'v2');
    await cp(CHART, v2, { recursive: true });
    await writeFile(join(v2, 'Chart.yaml'), (await readFile(join(CHART, 'Chart.yaml'), 'utf8')).replace('version: 0.1.0', 'version: 0.2.0+build.7'));
    const p2 = await packageChart(v2, join(work, 'p2'));
    const r2 = await pushChart(p2.path, `oci://${reg.hostPort}/charts`);
    expect(r2.tag).toBe('0.2.0_build.7');
    const list = await listChartVersions(`oci://${reg.hostPort}/charts/podinfo-lite`);
    expect(list.map((x) => x.version)).toEqual(['0.2.0+build.7', '0.1.0']);
    const d = await describeChart(`oci://${reg.hostPort}/charts/podinfo-lite:0.2.0+build.7`);
    expect(d.tag).toBe('0.2.0_build.7');
    const i = await inspectChart(`oci://${reg.hostPort}/charts/podinfo-lite:0.1.0`);
    expect(i.metadata).toMatchObject({ name: 'podinfo-lite', version: '0.1.0' });
    expect(i.archive.values).toContain('message: "delivered by Flux');
  });

  it('refuses a Flux artifact where a chart is expected, naming the media type', async () => {
    const { pushArtifact } = await import('../../src/oci/remote.js');
    await pushArtifact(`oci://${reg.hostPort}/charts/not-a-chart:1.0.0`, { path: CHART, source: 's', revision: 'r' });
    await expect(describeChart(`oci://${reg.hostPort}/charts/not-a-chart:1.0.0`)).rejects.toThrow(/config media type is "application\/vnd\.cncf\.flux\.config\.v1\+json", not application\/vnd\.cncf\.helm\.config\.v1\+json/);
  });
});
