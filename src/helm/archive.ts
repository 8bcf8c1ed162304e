/**
 * Read a chart archive (.tgz) in memory, as Helm's archive loader does
 * (helm pkg/chart/loader/archive): every entry under one top directory `<chart>/`, names
 * relative and inside it, regular files only; Chart.yaml and values.yaml parsed. Size-capped
 * while inflating, so a gzip bomb stops early. Used by `inspect` and by the tests that read
 * what helm pushed.
 */
import { gunzipSync } from 'node:zlib';
import { Header, Pax } from 'tar';
import { ChartError, parseChartYaml, type ChartMetadata } from './chart.js';

/** Helm's default cap on a decompressed chart (pkg/chart/loader/archive MaxDecompressedChartSize). */
export const MAX_CHART_BYTES = 100 * 1024 * 1024;

export interface ChartArchiveEntry {
  /** Path inside the chart (without the `<chart>/` prefix). */
  name: string;
  size: number;
  mode: number;
  mtime?: Date;
}

export interface ChartArchive {
  metadata: ChartMetadata;
  /** The top directory of every entry (the chart's name in a `helm package` archive). */
  topDir: string;
  chartYaml: string;
  values?: string;
  entries: ChartArchiveEntry[];
  /** True when the gzip header carries Helm's extra field and comment (made by `helm package`). */
  helmGzipHeader: boolean;
}

function unsafe(name: string): string | undefined {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is absolute';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.includes('\0')) return 'contains NUL';
  if (name.split('/').includes('..')) return 'contains a ".." component';
  return undefined;
}

export function readChartArchive(bytes: Buffer, label = 'chart archive', maxBytes = MAX_CHART_BYTES): ChartArchive {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new ChartError(`${label}: not a gzip file (a chart archive is a .tgz)`);
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (err) {
    throw new ChartError(`${label}: cannot decompress: ${(err as Error).message}`);
  }
  const entries: ChartArchiveEntry[] = [];
  const contents = new Map<string, Buffer>();
  let topDir: string | undefined;
  let pax: Pax | undefined;
  for (let off = 0; off + 512 <= tar.length; ) {
    const block = tar.subarray(off, off + 512);
    if (block.every((b) => b === 0)) break;
    const h = new Header(block);
    if (!h.cksumValid) throw new ChartError(`${label}: corrupt tar header at byte ${off}`);
    const size = h.size ?? 0;
    const body = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (h.type === 'ExtendedHeader' || h.type === 'GlobalExtendedHeader') {
      if (h.type === 'ExtendedHeader') pax = Pax.parse(body.toString('utf8'), h, false);
      continue;
    }
    const name = (pax?.path ?? h.path ?? '').replace(/^\.\//, '');
    pax = undefined;
    const why = unsafe(name);
    if (why) throw new ChartError(`${label}: entry "${name}" ${why}`);
    if (h.type === 'Directory') continue;
    if (h.type !== 'File' && h.type !== 'OldFile') throw new ChartError(`${label}: entry "${name}" is a ${h.type}, not a regular file`);
    const slash = name.indexOf('/');
    if (slash <= 0) throw new ChartError(`${label}: entry "${name}" is not inside the chart's directory`);
    const top = name.slice(0, slash);
    if (topDir !== undefined && top !== topDir) throw new ChartError(`${label}: entries in two top directories ("${topDir}" and "${top}"): not a chart archive`);
    topDir = top;
    const rel = name.slice(slash + 1);
    entries.push({ name: rel, size, mode: h.mode ?? 0, mtime: h.mtime });
    if (rel === 'Chart.yaml' || rel === 'values.yaml') contents.set(rel, Buffer.from(body));
  }
  const chartYaml = contents.get('Chart.yaml')?.toString('utf8');
  if (!topDir || chartYaml === undefined) throw new ChartError(`${label}: no Chart.yaml in the archive`);
  const metadata = parseChartYaml(chartYaml, `${label}: ${topDir}/Chart.yaml`);
  const helmGzipHeader = (bytes[3]! & 0x14) === 0x14 && bytes.includes(Buffer.from('Helm\0', 'latin1'));
  return { metadata, topDir, chartYaml, values: contents.get('values.yaml')?.toString('utf8'), entries, helmGzipHeader };
}
