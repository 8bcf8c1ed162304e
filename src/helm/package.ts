/**
 * `helm package` in TypeScript (helm pkg/chart/v2/util/save.go): a gzipped tar named
 * `<name>-<version>.tgz` holding `<name>/Chart.yaml` (the metadata re-serialised, keys sorted,
 * as Helm writes it), `<name>/values.yaml`, `<name>/values.schema.json`, the templates, then the
 * other files. File entries only (no directory entries), mode 0644, uid/gid 0, the files'
 * modification times (whole seconds). The gzip header carries Helm's extra field and the
 * comment "Helm", as Go's gzip writer lays it out. The bytes differ from helm's own (Go's
 * deflate is not zlib's) but `helm pull`, `helm show`, `helm install` and Flux read it alike.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { constants as zc, crc32, deflateRawSync } from 'node:zlib';
import { tarEnd, tarHeader, tarPadding } from '../oci/tar-header.js';
import { stringify } from 'yaml';
import { strictVersion } from '../reconcile/semver.js';
import { ChartError, chartConfigJson, loadChartDir, type ChartFile, type ChartMetadata, type LoadedChart } from './chart.js';

/** helm save.go headerBytes: the gzip "extra" field every `helm package` archive carries. */
export const HELM_GZIP_EXTRA = Buffer.from('rr\x28\x00aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=', 'latin1');

/** Chart.yaml as Helm writes it into the archive (sigs.k8s.io/yaml: JSON field names, keys sorted, lists not indented). */
export function chartYamlForArchive(meta: ChartMetadata): string {
  const json = JSON.parse(chartConfigJson(meta).toString('utf8')) as Record<string, unknown>;
  return stringify(json, { sortMapEntries: true, indentSeq: false, lineWidth: 0 });
}

function entry(path: string, body: Buffer, mtime: Date): Buffer[] {
  const head = tarHeader({ path, type: 'File', mode: 0o644, size: body.length, mtime: new Date(Math.floor(mtime.getTime() / 1000) * 1000) });
  return [head, body, tarPadding(body.length)];
}

/** The uncompressed tar of a loaded chart, entries in Helm's order. */
export function chartTar(chart: LoadedChart): Buffer {
  const base = chart.metadata.name;
  const parts: Buffer[] = [];
  const add = (f: ChartFile | undefined, data?: Buffer) => {
    if (f) parts.push(...entry(`${base}/${f.name}`, data ?? f.data, f.mtime));
  };
  add(chart.chartYaml, Buffer.from(chartYamlForArchive(chart.metadata)));
  add(chart.values);
  add(chart.schema);
  chart.templates.forEach((f) => add(f));
  chart.files.forEach((f) => add(f));
  parts.push(tarEnd());
  return Buffer.concat(parts);
}

/** gzip as Go's compress/gzip writes it with Extra and Comment set (FLG 0x14, MTIME 0, XFL 0, OS 255). */
export function helmGzip(data: Buffer): Buffer {
  const head = Buffer.from([0x1f, 0x8b, 8, 0x04 | 0x10, 0, 0, 0, 0, 0, 255]);
  const xlen = Buffer.alloc(2);
  xlen.writeUInt16LE(HELM_GZIP_EXTRA.length);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  return Buffer.concat([head, xlen, HELM_GZIP_EXTRA, Buffer.from('Helm\0', 'latin1'), deflateRawSync(data, { level: zc.Z_DEFAULT_COMPRESSION }), trailer]);
}

export interface PackagedChart {
  /** <destination>/<name>-<version>.tgz */
  path: string;
  bytes: Buffer;
  digest: string;
  size: number;
  metadata: ChartMetadata;
  files: number;
}

/** Package a chart directory into `<destination>/<name>-<version>.tgz` (written under a temp name, then renamed). */
export async function packageChart(chartDir: string, destination: string, opts: { version?: string; appVersion?: string } = {}): Promise<PackagedChart> {
  const chart = await loadChartDir(chartDir);
  // `helm package --version/--app-version` set these on the loaded metadata before saving.
  if (opts.version !== undefined) {
    if (!strictVersion(opts.version)) throw new ChartError(`--version "${opts.version}" is not a SemVer 2 version`);
    chart.metadata = { ...chart.metadata, version: opts.version };
  }
  if (opts.appVersion !== undefined) chart.metadata = { ...chart.metadata, appVersion: opts.appVersion };
  const bytes = helmGzip(chartTar(chart));
  await mkdir(destination, { recursive: true });
  const path = join(destination, `${chart.metadata.name}-${chart.metadata.version}.tgz`);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, bytes, { mode: 0o644 });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const files = 1 + (chart.values ? 1 : 0) + (chart.schema ? 1 : 0) + chart.templates.length + chart.files.length;
  return { path, bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length, metadata: chart.metadata, files };
}
