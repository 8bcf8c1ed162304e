/**
 * A Helm chart directory as Helm's loader reads it (helm pkg/chart/v2/loader/directory.go):
 * Chart.yaml (metadata), values.yaml, templates/, other files; `.helmignore` honoured plus
 * Helm's default rule (hidden files under templates/). Chart.yaml is validated with the rules
 * `helm package` enforces (apiVersion, name, a SemVer 2 version), and the metadata is
 * serialised as Helm does: JSON in the Go struct's field order for the OCI config blob.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ignore from 'ignore';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { goJson } from '../oci/artifact.js';
import { strictVersion } from '../reconcile/semver.js';

export class ChartError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ChartError';
  }
}

const maintainer = z.object({ name: z.string().optional(), email: z.string().optional(), url: z.string().optional() });
const dependency = z.object({
  name: z.string(),
  version: z.string().optional(),
  repository: z.string().default(''),
  condition: z.string().optional(),
  tags: z.array(z.string()).optional(),
  enabled: z.boolean().optional(),
  'import-values': z.array(z.unknown()).optional(),
  alias: z.string().optional(),
});

/** Chart.yaml (helm pkg/chart/v2 Metadata). */
export const ChartMetadataSchema = z.object({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/, 'chart names are lower case letters, digits, "-", "_" or "."'),
  home: z.string().optional(),
  sources: z.array(z.string()).optional(),
  version: z.string().refine((v) => !!strictVersion(v), 'must be a SemVer 2 version such as 0.1.0'),
  description: z.string().optional(),
  keywords: z.array(z.string()).optional(),
  maintainers: z.array(maintainer).optional(),
  icon: z.string().optional(),
  apiVersion: z.enum(['v1', 'v2'], { error: 'must be v2 (or v1 for Helm 2 charts)' }),
  condition: z.string().optional(),
  tags: z.string().optional(),
  appVersion: z.string().optional(),
  deprecated: z.boolean().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  kubeVersion: z.string().optional(),
  dependencies: z.array(dependency).optional(),
  type: z.enum(['application', 'library']).optional(),
});
export type ChartMetadata = z.infer<typeof ChartMetadataSchema>;

/** Field order of helm's Metadata struct: json.Marshal writes them in this order, omitting empty ones. */
const FIELD_ORDER = ['name', 'home', 'sources', 'version', 'description', 'keywords', 'maintainers', 'icon', 'apiVersion', 'condition', 'tags', 'appVersion', 'deprecated', 'annotations', 'kubeVersion', 'dependencies', 'type'] as const;
const DEP_ORDER = ['name', 'version', 'repository', 'condition', 'tags', 'enabled', 'import-values', 'alias'] as const;
const DEP_ALWAYS = new Set(['name', 'repository']);

function isEmpty(v: unknown): boolean {
  return v === undefined || v === '' || v === false || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
}

function ordered<T extends Record<string, unknown>>(obj: T, order: readonly string[], always = new Set<string>()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (always.has(k) || !isEmpty(obj[k])) out[k] = obj[k];
  return out;
}

/** The metadata as helm's json.Marshal(meta) writes it: struct order, omitempty, maps sorted, Go escaping. */
export function chartConfigJson(meta: ChartMetadata): Buffer {
  const m = ordered(meta, FIELD_ORDER);
  if (meta.maintainers) m.maintainers = meta.maintainers.map((x) => ordered(x, ['name', 'email', 'url']));
  if (meta.annotations && !isEmpty(meta.annotations)) m.annotations = Object.fromEntries(Object.entries(meta.annotations).sort(([a], [b]) => (a < b ? -1 : 1)));
  if (meta.dependencies && meta.dependencies.length > 0) m.dependencies = meta.dependencies.map((d) => ordered(d, DEP_ORDER, DEP_ALWAYS));
  return Buffer.from(goJson(m));
}

export function parseChartYaml(text: string, where: string): ChartMetadata {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ChartError(`${where}: invalid YAML: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null) throw new ChartError(`${where}: Chart.yaml is empty or not a mapping`);
  const r = raw as Record<string, unknown>;
  if (r.apiVersion === undefined) r.apiVersion = 'v1'; // Helm assumes v1 when it is missing
  if (typeof r.version === 'number') throw new ChartError(`${where}: version: write it as a string ("${r.version}"), YAML read a number`);
  const parsed = ChartMetadataSchema.safeParse(r);
  if (!parsed.success) {
    throw new ChartError(`${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export interface ChartFile {
  /** Path inside the chart, "/"-separated (templates/deployment.yaml). */
  name: string;
  data: Buffer;
  mtime: Date;
}

export interface LoadedChart {
  dir: string;
  metadata: ChartMetadata;
  /** Chart.yaml as written (for display). */
  chartYaml: ChartFile;
  values?: ChartFile;
  schema?: ChartFile;
  templates: ChartFile[];
  files: ChartFile[];
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Load a chart directory like `helm package` does (lexical walk, .helmignore, BOM stripped). */
export async function loadChartDir(dir: string): Promise<LoadedChart> {
  const chartPath = join(dir, 'Chart.yaml');
  const chartText = await readFile(chartPath, 'utf8').catch(() => {
    throw new ChartError(`${dir}: no Chart.yaml (is this a chart directory?)`);
  });
  const metadata = parseChartYaml(chartText, chartPath);
  const rules = ignore().add('templates/.?*');
  const ignoreText = await readFile(join(dir, '.helmignore'), 'utf8').catch(() => '');
  rules.add(ignoreText.split('\n').filter((l) => l.trim() && !l.startsWith('#')));
  const all: ChartFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(dir, rel))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const n of names) {
      const r = rel ? `${rel}/${n}` : n;
      const st = await lstat(join(dir, r));
      if (st.isDirectory()) {
        if (!rules.ignores(`${r}/`)) await walk(r);
        continue;
      }
      if (rules.ignores(r)) continue;
      if (!st.isFile()) throw new ChartError(`${join(dir, r)}: cannot package a symlink or special file (Helm refuses irregular files)`);
      let data = await readFile(join(dir, r));
      if (data.subarray(0, 3).equals(UTF8_BOM)) data = data.subarray(3);
      all.push({ name: r, data, mtime: st.mtime });
    }
  };
  await walk('');
  const chart: LoadedChart = { dir, metadata, chartYaml: all.find((f) => f.name === 'Chart.yaml')!, templates: [], files: [] };
  for (const f of all) {
    if (f.name === 'Chart.yaml') continue;
    if (f.name === 'values.yaml') chart.values = f;
    else if (f.name === 'values.schema.json') chart.schema = f;
    else if (f.name.startsWith('templates/')) chart.templates.push(f);
    else if (f.name.startsWith('charts/') || f.name === 'Chart.lock' || f.name === 'requirements.yaml' || f.name === 'requirements.lock') {
      throw new ChartError(`${join(dir, f.name)}: chart dependencies are not packaged by ocilab; use \`helm dependency build\` and \`helm package\``);
    } else chart.files.push(f);
  }
  if (chart.schema) {
    try {
      JSON.parse(chart.schema.data.toString('utf8'));
    } catch {
      throw new ChartError(`${join(dir, 'values.schema.json')}: invalid JSON`);
    }
  }
  return chart;
}
