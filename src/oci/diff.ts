/**
 * `artifact diff`: compare a local directory with a remote Flux artifact by what is inside —
 * file names, types, permissions and content digests — so two encodings of the same files
 * (Go's flate vs zlib) are not reported as a change. (`flux diff artifact` compares the .tgz
 * digest instead, which always differs between encoders; see FLUX-OCI-FACTS §1.)
 */
import { makeTempDir } from '../engine/cleanup.js';
import { join } from 'node:path';
import { buildArtifact } from './artifact.js';
import { RegistryClient } from './client.js';
import { readTarball } from './extract.js';
import { parseReference, formatReference, type Reference } from './reference.js';
import { resolveArtifact, type RemoteOptions } from './remote.js';

export interface TarEntrySummary {
  type: 'file' | 'dir' | 'other';
  mode: number;
  size: number;
  /** sha256 of the content, files only. */
  digest?: string;
}

/**
 * Map of normalised entry name to summary, read with the safe extractor's rules and limits
 * (symlinks, which an extraction drops, are listed as "other").
 */
export async function summariseTarball(tgz: string, opts: { maxBytes?: number; maxEntries?: number; label?: string } = {}): Promise<Map<string, TarEntrySummary>> {
  const tar = await readTarball(tgz, { label: opts.label ?? tgz, maxBytes: opts.maxBytes, maxEntries: opts.maxEntries, gzip: true, skipSymlinks: true });
  const out = new Map<string, TarEntrySummary>();
  for (const e of tar.entries) {
    const name = e.name || '.';
    if (e.type === 'file') out.set(name, { type: 'file', mode: e.mode, size: e.size, digest: e.digest });
    else out.set(name, { type: e.type === 'directory' ? 'dir' : 'other', mode: e.mode, size: 0 });
  }
  return out;
}

export interface DiffResult {
  identical: boolean;
  /** The .tgz digests are equal (what flux diff compares). */
  sameLayerDigest: boolean;
  localLayerDigest: string;
  remoteLayerDigest: string;
  remoteDigest: string;
  added: string[];
  removed: string[];
  changed: { path: string; what: 'content' | 'mode' | 'type' }[];
}

export function compareSummaries(local: Map<string, TarEntrySummary>, remote: Map<string, TarEntrySummary>): Pick<DiffResult, 'added' | 'removed' | 'changed'> {
  const added = [...local.keys()].filter((k) => !remote.has(k)).sort();
  const removed = [...remote.keys()].filter((k) => !local.has(k)).sort();
  const changed: DiffResult['changed'] = [];
  for (const [path, l] of [...local.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const r = remote.get(path);
    if (!r) continue;
    if (l.type !== r.type) changed.push({ path, what: 'type' });
    else if (l.digest !== r.digest) changed.push({ path, what: 'content' });
    else if (l.mode !== r.mode && path !== '.') changed.push({ path, what: 'mode' });
  }
  return { added, removed, changed };
}

export interface DiffOptions extends RemoteOptions {
  path: string;
  ignorePaths?: string[];
  addIgnorePaths?: string[];
  resolveSymlinks?: boolean;
}

/** Compare `opts.path` (built as flux would) with the artifact at `reference`. */
export async function diffArtifact(reference: Reference | string, opts: DiffOptions): Promise<DiffResult> {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference;
  const temp = makeTempDir('ocilab-diff-');
  const work = temp.path;
  const client = opts.client ?? RegistryClient.forReference(ref, opts.clientOptions);
  try {
    const built = await buildArtifact({ path: opts.path, output: join(work, 'local.tgz'), ignorePaths: opts.ignorePaths, addIgnorePaths: opts.addIgnorePaths, resolveSymlinks: opts.resolveSymlinks, signal: opts.signal });
    const info = await resolveArtifact(client, ref, opts.signal);
    await client.downloadBlob(ref.repository, info.layer.digest, join(work, 'remote.tgz'), { size: info.layer.size, signal: opts.signal });
    const local = await summariseTarball(built.output, { label: `local build of ${opts.path}` });
    const remote = await summariseTarball(join(work, 'remote.tgz'), { label: `layer ${info.layer.digest} of ${formatReference(ref)}` });
    const d = compareSummaries(local, remote);
    return {
      identical: d.added.length + d.removed.length + d.changed.length === 0,
      sameLayerDigest: built.digest === info.layer.digest,
      localLayerDigest: built.digest,
      remoteLayerDigest: info.layer.digest,
      remoteDigest: info.digest,
      ...d,
    };
  } finally {
    if (!opts.client) await client.close();
    await temp.remove();
  }
}
