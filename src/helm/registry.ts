/**
 * Helm charts in an OCI registry, the way `helm push` / `helm pull` / `helm show` treat them
 * (helm pkg/registry/client.go, chart.go, pkg/pusher/ocipusher.go), over ocilab's OCI client:
 * - push: ref `<remote>/<chart name>:<version with + as _>`; config = Chart.yaml metadata as
 *   JSON; one layer = the .tgz; manifest `{"schemaVersion":2,"config","layers","annotations"}`
 *   (no mediaType field, ocispec descriptor order mediaType/digest/size), PUT as an OCI image
 *   manifest; annotations from the metadata (description, title, version, url, created = the
 *   archive's mtime, source = sources[0], authors) plus Chart.yaml's annotations (title and
 *   version cannot be overridden).
 * - list: the repository's tags that are SemVer (helm's Tags), newest first.
 * - inspect/pull: manifest → config → chart layer, checked against each other.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RegistryClient, type Descriptor } from '../oci/client.js';
import { goJson } from '../oci/artifact.js';
import { digestOf } from '../oci/digest.js';
import { OCI_MANIFEST } from '../oci/media-types.js';
import { formatReference, parseReference, type Reference } from '../oci/reference.js';
import { withClient } from '../oci/remote.js';
import { compareVersions, strictVersion } from '../reconcile/semver.js';
import { readChartArchive, type ChartArchive } from './archive.js';
import { chartConfigJson, ChartError, type ChartMetadata } from './chart.js';
import { HELM_CHART_LAYER, HELM_CONFIG, HELM_LEGACY_CHART_LAYER, OCI_ANNOTATION as A, tagToVersion, versionToTag } from './media-types.js';

/** helm chart.go generateOCIAnnotations. `created` is RFC 3339 (helm uses the archive file's mtime). */
export function helmAnnotations(meta: ChartMetadata, created: string): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (k: string, v: string | undefined) => {
    if (v !== undefined && v.trim() !== '') out[k] = v;
  };
  add(A.description, meta.description);
  add(A.title, meta.name);
  add(A.version, meta.version);
  add(A.url, meta.home);
  add(A.created, created);
  if (meta.sources && meta.sources.length > 0) add(A.source, meta.sources[0]);
  if (meta.maintainers && meta.maintainers.length > 0) {
    add(A.authors, meta.maintainers.map((m) => `${m.name ?? ''}${m.email ? ` (${m.email})` : ''}`).join(', '));
  }
  for (const [k, v] of Object.entries(meta.annotations ?? {})) if (k !== A.version && k !== A.title) out[k] = v;
  return out;
}

const sortKeys = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
const desc = (d: Descriptor) => ({ mediaType: d.mediaType, digest: d.digest, size: d.size });

/** The manifest bytes helm push writes (ocispec.Manifest marshalled by Go, MediaType left empty). */
export function helmManifest(config: Descriptor, layer: Descriptor, annotations: Record<string, string>): Buffer {
  return Buffer.from(goJson({ schemaVersion: 2, config: desc(config), layers: [desc(layer)], annotations: sortKeys(annotations) }));
}

/** RFC 3339 in UTC, seconds, as Go's time.Format(time.RFC3339) writes a UTC time. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface ChartPushResult {
  /** host/path/name:tag, what helm prints after "Pushed:". */
  ref: string;
  digest: string;
  tag: string;
  metadata: ChartMetadata;
  config: Descriptor;
  layer: Descriptor;
  annotations: Record<string, string>;
}

export interface ChartRemoteOptions {
  client?: RegistryClient;
  insecure?: boolean;
  signal?: AbortSignal;
}

/** `oci://host/charts` → Reference (no tag); refuses a tag like helm push does. */
export function parseChartRemote(remote: string, insecure?: boolean): Reference {
  if (!remote.startsWith('oci://')) throw new ChartError(`${remote}: the remote must start with oci:// (e.g. oci://127.0.0.1:5000/charts)`);
  const ref = parseReference(remote, { insecure });
  if (ref.tag || ref.digest) throw new ChartError(`${remote}: give the repository without a tag; the tag is the chart's version`);
  return ref;
}

/** `helm push <archive> oci://host/charts` in-process. */
export async function pushChart(archivePath: string, remote: string, opts: ChartRemoteOptions & { created?: Date } = {}): Promise<ChartPushResult> {
  const bytes = await readFile(archivePath);
  const chart = await readChartArchive(bytes, archivePath);
  const meta = chart.metadata;
  const base = parseChartRemote(remote, opts.insecure);
  const tag = versionToTag(meta.version);
  const ref = parseReference(`${base.registry}/${base.repository}/${meta.name}:${tag}`, { insecure: base.scheme === 'http' });
  const created = rfc3339(opts.created ?? (await stat(archivePath)).mtime);
  const configBytes = chartConfigJson(meta);
  const config: Descriptor = { mediaType: HELM_CONFIG, digest: digestOf(configBytes), size: configBytes.length };
  const layer: Descriptor = { mediaType: HELM_CHART_LAYER, digest: digestOf(bytes), size: bytes.length };
  const annotations = helmAnnotations(meta, created);
  const manifest = helmManifest(config, layer, annotations);
  return withClient(ref, opts, async (c) => {
    await c.pushBlob(ref.repository, bytes, { signal: opts.signal });
    await c.pushBlob(ref.repository, configBytes, { signal: opts.signal });
    const digest = await c.putManifest(ref.repository, tag, manifest, OCI_MANIFEST, { signal: opts.signal });
    return { ref: formatReference(ref, { oci: false }), digest, tag, metadata: meta, config, layer, annotations };
  });
}

export interface ChartInRegistry {
  ref: string;
  digest: string;
  tag: string;
  version: string;
  /** The config blob (Chart.yaml metadata as JSON). */
  metadata: ChartMetadata;
  annotations: Record<string, string>;
  layer: Descriptor;
  config: Descriptor;
}

/** A chart reference with a version as tag: `+` (SemVer build metadata) becomes `_`, as helm does. */
export function chartReference(reference: string, insecure?: boolean): Reference {
  const at = reference.indexOf('@');
  const head = at >= 0 ? reference.slice(0, at) : reference;
  const slash = head.lastIndexOf('/');
  const colon = head.lastIndexOf(':');
  const fixed = colon > slash ? `${head.slice(0, colon)}:${versionToTag(head.slice(colon + 1))}` : head;
  return parseReference(at >= 0 ? fixed + reference.slice(at) : fixed, { insecure });
}

/** Read the manifest and config of `oci://host/charts/<name>:<tag|version>` (or @digest); checks Helm's media types. */
export async function describeChart(reference: string, opts: ChartRemoteOptions = {}): Promise<ChartInRegistry> {
  const ref = chartReference(reference, opts.insecure);
  const id = ref.digest ?? ref.tag ?? 'latest';
  const where = formatReference(ref);
  return withClient(ref, opts, async (c) => {
    const m = await c.getManifest(ref.repository, id, { signal: opts.signal });
    const config = m.json.config as Descriptor | undefined;
    const layers = (m.json.layers as Descriptor[] | undefined) ?? [];
    if (config?.mediaType !== HELM_CONFIG) throw new ChartError(`${where}: config media type is "${config?.mediaType ?? 'none'}", not ${HELM_CONFIG}: not a Helm chart`);
    const layer = layers.find((l) => l.mediaType === HELM_CHART_LAYER) ?? layers.find((l) => l.mediaType === HELM_LEGACY_CHART_LAYER);
    if (!layer) throw new ChartError(`${where}: no layer of type ${HELM_CHART_LAYER}`);
    const cfg = await c.fetchBlob(ref.repository, config.digest, { size: config.size, signal: opts.signal });
    let metadata: ChartMetadata;
    try {
      metadata = JSON.parse(cfg.toString('utf8')) as ChartMetadata;
    } catch {
      throw new ChartError(`${where}: the config blob is not JSON`);
    }
    const tag = ref.tag ?? versionToTag(metadata.version);
    return { ref: `${ref.registry}/${ref.repository}:${tag}`, digest: m.descriptor.digest, tag, version: metadata.version, metadata, annotations: (m.json.annotations as Record<string, string>) ?? {}, layer, config };
  });
}

export interface InspectedChart extends ChartInRegistry {
  archive: ChartArchive;
  archiveBytes: Buffer;
}

/** describeChart plus the chart layer read (values.yaml, files); the layer's Chart.yaml must agree with the config. */
export async function inspectChart(reference: string, opts: ChartRemoteOptions = {}): Promise<InspectedChart> {
  const ref = chartReference(reference, opts.insecure);
  return withClient(ref, opts, async (c) => {
    const d = await describeChart(reference, { ...opts, client: c });
    const bytes = await c.fetchBlob(ref.repository, d.layer.digest, { size: d.layer.size, max: 20 * 1024 * 1024, signal: opts.signal });
    const archive = await readChartArchive(bytes, `layer ${d.layer.digest} of ${d.ref}`);
    if (archive.metadata.name !== d.metadata.name || archive.metadata.version !== d.metadata.version) {
      throw new ChartError(`${d.ref}: the config says ${d.metadata.name} ${d.metadata.version} but the chart layer holds ${archive.metadata.name} ${archive.metadata.version}`);
    }
    return { ...d, archive, archiveBytes: bytes };
  });
}

/** helm's Tags: the repository's tags that are SemVer (`_` read as `+`), newest first. */
export async function listChartVersions(repository: string, opts: ChartRemoteOptions = {}): Promise<ChartInRegistry[]> {
  const ref = parseReference(repository, { insecure: opts.insecure });
  if (ref.tag || ref.digest) throw new ChartError(`${repository}: list takes the chart's repository, without a tag`);
  return withClient(ref, opts, async (c) => {
    const tags = await c.listTags(ref.repository, { signal: opts.signal });
    const versions = tags
      .map((t) => ({ t, v: strictVersion(tagToVersion(t)) }))
      .filter((x) => x.v)
      .sort((a, b) => compareVersions(b.v!, a.v!));
    const out: ChartInRegistry[] = [];
    for (const { t } of versions) out.push(await describeChart(`oci://${ref.registry}/${ref.repository}:${t}`, { ...opts, client: c }));
    return out;
  });
}

/** `helm pull oci://… --version X --destination dir` in-process: writes `<dir>/<name>-<version>.tgz` (checked, then renamed into place). */
export async function pullChart(reference: string, destination: string, opts: ChartRemoteOptions = {}): Promise<InspectedChart & { path: string }> {
  const i = await inspectChart(reference, opts);
  await mkdir(destination, { recursive: true });
  const path = join(destination, `${i.metadata.name}-${i.metadata.version}.tgz`);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, i.archiveBytes);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return { ...i, path };
}
