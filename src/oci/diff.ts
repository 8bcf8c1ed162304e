/**
 * `artifact diff`: compare a local directory with a remote Flux artifact by what is inside —
 * file names, types, permissions and content digests — so two encodings of the same files
 * (Go's flate vs zlib) are not reported as a change. (`flux diff artifact` compares the .tgz
 * digest instead, which always differs between encoders; see FLUX-OCI-FACTS §1.)
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { makeTempDir } from '../engine/cleanup.js';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { buildArtifact } from './artifact.js';
import { RegistryClient } from './client.js';
import { OciError } from './errors.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, unsafeName } from './extract.js';
import { parseReference, formatReference, type Reference } from './reference.js';
import { resolveArtifact, type RemoteOptions } from './remote.js';

export interface TarEntrySummary {
  type: 'file' | 'dir' | 'other';
  mode: number;
  size: number;
  /** sha256 of the content, files only. */
  digest?: string;
}

/** Map of normalised entry name to summary, read with the same limits as extraction. */
export async function summariseTarball(tgz: string, opts: { maxBytes?: number; maxEntries?: number; label?: string } = {}): Promise<Map<string, TarEntrySummary>> {
  const label = opts.label ?? tgz;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const out = new Map<string, TarEntrySummary>();
  let bytes = 0;
  let failure: OciError | undefined;
  const parser = new Parser({
    strict: true,
    onReadEntry: (e: ReadEntry) => {
      const why = unsafeName(e.path);
      bytes += e.size;
      if (why) failure ??= new OciError('UNSAFE_ARCHIVE', `${label}: entry "${e.path}" ${why}`);
      else if (out.size >= maxEntries) failure ??= new OciError('ARCHIVE_LIMIT', `${label}: more than ${maxEntries} entries`);
      else if (bytes > maxBytes) failure ??= new OciError('ARCHIVE_LIMIT', `${label}: entry "${e.path}": files add up to more than ${maxBytes} bytes`);
      if (failure) {
        parser.abort(failure);
        return void e.resume();
      }
      const name = e.path.split('/').filter((p) => p && p !== '.').join('/') || '.';
      const mode = (e.mode ?? 0) & 0o777;
      if (e.type === 'File' || e.type === 'OldFile') {
        const h = createHash('sha256');
        e.on('data', (c: Buffer) => h.update(c));
        e.on('end', () => out.set(name, { type: 'file', mode, size: e.size, digest: `sha256:${h.digest('hex')}` }));
      } else {
        out.set(name, { type: e.type === 'Directory' ? 'dir' : 'other', mode, size: 0 });
        e.resume();
      }
    },
  });
  try {
    await pipeline(createReadStream(tgz), createGunzip(), parser as unknown as NodeJS.WritableStream);
  } catch (err) {
    if (failure) throw failure;
    throw new OciError('UNSAFE_ARCHIVE', `${label}: not a readable tar+gzip archive (${(err as Error).message})`, { cause: err });
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
