/**
 * The Flux artifact format (fluxcd/pkg oci/build.go + tar/tar.go, flux2 build_artifact.go):
 * a gzipped tar of a directory, walked in lexical order depth-first, root entry ".", names
 * relative with forward slashes and no trailing slash, regular files and directories only
 * (symlinks and other types skipped silently), uid/gid 0, empty uname/gname, mtime 0,
 * permissions kept, gzip level 6; and the manifest/config that go with it.
 *
 * Entry headers are encoded by tar-header.ts (node-tar's Header and Pax); node-tar's Pack is not used
 * because it names directories "apps/" and the root "./", where Flux writes "apps" and ".".
 */
import { createReadStream, createWriteStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, readdir, realpath, rename, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zc, createGzip } from 'node:zlib';
import ignore from 'ignore';
import { makeTempDir } from '../engine/cleanup.js';
import { OciError } from './errors.js';
import { tarEnd, tarHeader, tarPadding } from './tar-header.js';
import * as mt from './media-types.js';
import type { Descriptor } from './client.js';

/** flux2 cmd/flux: ExcludeVCS + ExcludeExt, the default --ignore-paths. */
export const FLUX_DEFAULT_IGNORE = ['.git/', '.gitignore', '.gitmodules', '.gitattributes', '*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip'];

export interface BuildOptions {
  /** Directory (or single file) to package. */
  path: string;
  /** Where the .tgz goes (written to a temp name, renamed when complete). */
  output: string;
  /** Replaces the defaults, like flux's --ignore-paths. */
  ignorePaths?: string[];
  /** Added to the defaults (or to ignorePaths), like --add-ignore-paths. */
  addIgnorePaths?: string[];
  /** Archive what symlinks point to instead of skipping them, like --resolve-symlinks. */
  resolveSymlinks?: boolean;
  signal?: AbortSignal;
}

export interface BuildResult {
  output: string;
  /** sha256 of the .tgz exactly as written: the layer digest. */
  digest: string;
  size: number;
  files: number;
  directories: number;
  /** Paths (relative) that were skipped because they are symlinks or special files. */
  skipped: string[];
}

interface WalkEntry {
  name: string;
  abs: string;
  type: 'File' | 'Directory';
  mode: number;
  size: number;
}

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * What a symlink points to, or undefined when it dangles (ENOENT, ENOTDIR) or loops (ELOOP):
 * such a link is skipped. Any other error is thrown — a file must never drop out of an
 * artifact silently because a stat failed.
 */
async function linkTarget(abs: string): Promise<Stats | undefined> {
  try {
    return await stat(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return undefined;
    throw err;
  }
}

/** Walk like Go's filepath.WalkDir: root first, then each directory's entries sorted by name, depth-first. */
async function walk(root: string, single: string | undefined, patterns: string[], skipped: string[], resolveSymlinks = false): Promise<WalkEntry[]> {
  const ig = ignore().add(patterns);
  const rootStat = await lstat(root);
  const out: WalkEntry[] = [{ name: '.', abs: root, type: 'Directory', mode: rootStat.mode & 0o7777, size: 0 }];
  // With resolveSymlinks a link is archived as what it points to; directories already on the
  // current path are skipped, so a link cycle cannot recurse forever.
  const onPath = new Set<string>([await realpath(root)]);
  const visit = async (dir: string, rel: string): Promise<void> => {
    const names = (await readdir(dir)).sort(byBytes);
    for (const n of names) {
      if (single !== undefined && rel === '' && n !== single) continue;
      const relPath = rel ? `${rel}/${n}` : n;
      const abs = join(dir, n);
      let st = await lstat(abs);
      if (resolveSymlinks && st.isSymbolicLink()) st = (await linkTarget(abs)) ?? st;
      if (ig.ignores(st.isDirectory() ? `${relPath}/` : relPath)) continue;
      if (st.isDirectory()) {
        const real = await realpath(abs);
        if (onPath.has(real)) {
          skipped.push(relPath);
          continue;
        }
        onPath.add(real);
        out.push({ name: relPath, abs, type: 'Directory', mode: st.mode & 0o7777, size: 0 });
        await visit(abs, relPath);
        onPath.delete(real);
      } else if (st.isFile()) {
        out.push({ name: relPath, abs, type: 'File', mode: st.mode & 0o7777, size: st.size });
      } else {
        skipped.push(relPath);
      }
    }
  };
  await visit(root, '');
  return out;
}

function headerBlocks(e: WalkEntry): Buffer {
  return tarHeader({ path: e.name, type: e.type, mode: e.mode, size: e.type === 'File' ? e.size : 0, mtime: new Date(0) });
}

async function* tarStream(entries: WalkEntry[], signal?: AbortSignal): AsyncGenerator<Buffer> {
  for (const e of entries) {
    signal?.throwIfAborted();
    yield headerBlocks(e);
    if (e.type !== 'File' || e.size === 0) continue;
    let n = 0;
    for await (const chunk of createReadStream(e.abs, { end: e.size - 1 })) {
      n += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (n !== e.size) throw new OciError('PROTOCOL', `${e.abs} changed size while it was being archived`);
    const pad = tarPadding(e.size);
    if (pad.length) yield pad;
  }
  yield tarEnd();
}

/** Gzip header OS byte as Go's compress/gzip writes it (255 = unknown); zlib writes 3 (Unix). */
function goGzipHeader(): Transform {
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      if (first && chunk.length >= 10) {
        chunk[9] = 255;
        first = false;
      }
      cb(null, chunk);
    },
  });
}

/** Build the Flux .tgz of `path` (like `flux build artifact`). */
export async function buildArtifact(opts: BuildOptions): Promise<BuildResult> {
  const src = resolve(opts.path);
  const st = await lstat(src).catch(() => undefined);
  if (!st) throw new OciError('NOT_FOUND', `--path ${opts.path}: no such file or directory`);
  const patterns = [...(opts.ignorePaths ?? FLUX_DEFAULT_IGNORE), ...(opts.addIgnorePaths ?? [])];
  const skipped: string[] = [];
  // A single file is archived as "." plus "<filename>", as flux stages it in a temp dir.
  const entries = st.isDirectory()
    ? await walk(src, undefined, patterns, skipped, opts.resolveSymlinks)
    : st.isFile()
      ? (await walk(dirname(src), basename(src), [], skipped)).map((e) => (e.name === '.' ? { ...e, mode: 0o700 } : e))
      : undefined;
  if (!entries) throw new OciError('PROTOCOL', `--path ${opts.path} is neither a file nor a directory`);

  const out = resolve(opts.output);
  const tmpDir = makeTempDir(`.${basename(out)}.build-`, { parent: dirname(out) });
  const tmp = join(tmpDir.path, 'artifact.tgz');
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    await pipeline(Readable.from(tarStream(entries, opts.signal)), createGzip({ level: zc.Z_DEFAULT_COMPRESSION }), goGzipHeader(), tap, createWriteStream(tmp, { mode: 0o640 }), { signal: opts.signal });
    await rename(tmp, out);
  } finally {
    await tmpDir.remove();
  }
  return {
    output: out,
    digest: `sha256:${hash.digest('hex')}`,
    size,
    files: entries.filter((e) => e.type === 'File').length,
    directories: entries.filter((e) => e.type === 'Directory').length,
    skipped,
  };
}

export interface ArtifactMetadata {
  /** --source, e.g. a Git URL. */
  source: string;
  /** --revision, e.g. "main@sha1:<commit>". */
  revision: string;
  /** RFC 3339; defaults to now, or the epoch with `reproducible`. */
  created?: string;
  reproducible?: boolean;
  /** --annotations key=value pairs, merged on top (a user "created" wins). */
  annotations?: Record<string, string>;
}

/** Annotations as fluxcd/pkg Metadata.ToAnnotations writes them (keys sorted, like Go map marshalling). */
export function fluxAnnotations(meta: ArtifactMetadata, now = new Date()): Record<string, string> {
  const created = meta.created ?? (meta.reproducible ? '1970-01-01T00:00:00Z' : now.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  const all: Record<string, string> = {
    [mt.ANNOTATION_CREATED]: created,
    [mt.ANNOTATION_REVISION]: meta.revision,
    [mt.ANNOTATION_SOURCE]: meta.source,
    ...meta.annotations,
  };
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => byBytes(a, b)));
}

/** Go's encoding/json escapes <, >, & and U+2028/2029 in strings; match it so bytes agree with flux. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The config blob a flux v2.9 (ggcr ≥ 0.21.6) push uploads: the empty image config
 * (FLUX-OCI-FACTS §1; source-controller never reads it).
 */
export const FLUX_CONFIG_BYTES = Buffer.from('{"architecture":"","created":"0001-01-01T00:00:00Z","os":"","rootfs":{"type":"layers","diff_ids":null},"config":{}}');

export function descriptorJson(d: Descriptor): { mediaType: string; size: number; digest: string } {
  return { mediaType: d.mediaType, size: d.size, digest: d.digest };
}

/** The OCI image manifest of a Flux artifact, field order as ggcr marshals it. */
export function fluxManifest(config: Descriptor, layer: Descriptor, annotations: Record<string, string>): Buffer {
  return Buffer.from(
    goJson({ schemaVersion: 2, mediaType: mt.OCI_MANIFEST, config: descriptorJson(config), layers: [descriptorJson(layer)], annotations }),
  );
}
