/**
 * Read a chart archive (.tgz) in memory, as Helm's archive loader does
 * (helm pkg/chart/loader/archive): every entry under one top directory `<chart>/`, names
 * relative and inside it, regular files only; Chart.yaml and values.yaml parsed. Read with the
 * safe extractor's rules and caps (src/oci/extract.ts readTarball), so a gzip bomb stops early. Used by `inspect` and by the tests that read
 * what helm pushed.
 */
import { OciError } from '../oci/errors.js';
import { readTarball, type TarContents } from '../oci/extract.js';
import { ChartError, parseChartYaml, type ChartMetadata } from './chart.js';

/** Helm's default cap on a decompressed chart (pkg/chart/loader/archive MaxDecompressedChartSize); here on the files' total size. */
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

/** Entries directly under the chart's top directory whose content the reader keeps. */
const KEPT = /^[^/]+\/(?:Chart|values)\.yaml$/;

export async function readChartArchive(bytes: Buffer, label = 'chart archive', maxBytes = MAX_CHART_BYTES): Promise<ChartArchive> {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new ChartError(`${label}: not a gzip file (a chart archive is a .tgz)`);
  let tar: TarContents;
  try {
    // The safe extractor's rules (names, links, types, caps), read in memory.
    tar = await readTarball(bytes, { gzip: true, label, maxBytes, keep: (name) => KEPT.test(name) });
  } catch (err) {
    if (err instanceof OciError) throw new ChartError(err.message, { cause: err });
    throw err;
  }
  const entries: ChartArchiveEntry[] = [];
  const contents = new Map<string, Buffer>();
  let topDir: string | undefined;
  for (const e of tar.entries) {
    if (e.type === 'directory') continue;
    const slash = e.name.indexOf('/');
    if (slash <= 0) throw new ChartError(`${label}: entry "${e.name}" is not inside the chart's directory`);
    const top = e.name.slice(0, slash);
    if (topDir !== undefined && top !== topDir) throw new ChartError(`${label}: entries in two top directories ("${topDir}" and "${top}"): not a chart archive`);
    topDir = top;
    const rel = e.name.slice(slash + 1);
    entries.push({ name: rel, size: e.size, mode: e.mode, mtime: e.mtime });
    if (e.data && (rel === 'Chart.yaml' || rel === 'values.yaml')) contents.set(rel, e.data);
  }
  const chartYaml = contents.get('Chart.yaml')?.toString('utf8');
  if (!topDir || chartYaml === undefined) throw new ChartError(`${label}: no Chart.yaml in the archive`);
  const metadata = parseChartYaml(chartYaml, `${label}: ${topDir}/Chart.yaml`);
  const helmGzipHeader = (bytes[3]! & 0x14) === 0x14 && bytes.includes(Buffer.from('Helm\0', 'latin1'));
  return { metadata, topDir, chartYaml, values: contents.get('values.yaml')?.toString('utf8'), entries, helmGzipHeader };
}
