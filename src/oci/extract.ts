/**
 * The one safe tar extractor of ocilab (OCI layers, Git archives, fixtures all go through it).
 *
 * Following fluxcd/pkg tar.Untar, and stricter: entry names with "..", absolute names, drive
 * letters or backslashes are refused; symlinks are refused (or dropped with `skipSymlinks`, as
 * `flux pull` does); hard links, devices, FIFOs and other types are refused; the total file
 * size (default 100 MiB, Flux's DefaultMaxUntarSize), the entry count and the decompressed
 * stream size are capped. The archive is unpacked into a temp dir beside the target and renamed
 * into place only when every entry passed, so a refused archive leaves nothing behind.
 */
import { chmodSync, closeSync, createReadStream, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { OciError } from './errors.js';

export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;
export const DEFAULT_MAX_ENTRIES = 100_000;

export interface ExtractOptions {
  signal?: AbortSignal;
  /** Cap on the sum of file sizes. Default 100 MiB. */
  maxBytes?: number;
  /** Cap on the number of entries. Default 100 000. */
  maxEntries?: number;
  /** Drop symlinks silently (flux pull) instead of refusing the archive. Default false. */
  skipSymlinks?: boolean;
  /** Input is gzip: true, false, or 'auto' (sniff the magic bytes; default). */
  gzip?: boolean | 'auto';
  /** Replace an existing non-empty target. Default false: refuse. */
  replace?: boolean;
  /** Names the archive in errors, e.g. "layer sha256:… of oci://…". Default "archive". */
  label?: string;
}

export interface ExtractResult {
  files: number;
  directories: number;
  skippedSymlinks: number;
  /** Sum of file sizes written. */
  bytes: number;
  /** Bytes of tar stream read after decompression. */
  tarBytes: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];
/** The process umask, read once (set-and-restore is the only portable way; workers cannot, so assume the worst). */
const umask = (() => {
  try {
    const m = process.umask(0o022);
    process.umask(m);
    return m;
  } catch {
    return 0o777;
  }
})();

/** Why an entry name is unsafe, or undefined when it is fine. Exported for tests and reuse. */
export function unsafeName(name: string): string | undefined {
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  if (name.split('/').includes('..')) return 'contains a ".." component';
  return undefined;
}

/** "./a//b/" -> "a/b"; "." and "./" -> "" (the root). */
function cleanName(name: string): string {
  return name.split('/').filter((part) => part !== '' && part !== '.').join('/');
}

class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly max: number, private readonly label: string) {
    super();
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) {
      cb(new OciError('ARCHIVE_LIMIT', `${this.label}: decompressed tar stream exceeds ${this.max} bytes (decompression bomb?)`));
      return;
    }
    cb(null, chunk);
  }
}

async function sniffGzip(source: string | Buffer): Promise<boolean> {
  if (Buffer.isBuffer(source)) return source[0] === GZIP_MAGIC[0] && source[1] === GZIP_MAGIC[1];
  const fh = await open(source, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === GZIP_MAGIC[0] && buf[1] === GZIP_MAGIC[1];
  } finally {
    await fh.close();
  }
}

async function prepareTarget(target: string, replace: boolean, label: string): Promise<boolean> {
  const st = await stat(target).catch(() => undefined);
  if (!st) return false;
  if (!st.isDirectory()) throw new OciError('UNSAFE_ARCHIVE', `${label}: target ${target} exists and is not a directory`);
  if ((await readdir(target)).length === 0) return true;
  if (!replace) throw new OciError('UNSAFE_ARCHIVE', `${label}: target ${target} is not empty (pass replace to swap it)`);
  return true;
}

/**
 * Extract a tar or tar+gzip archive (a file path, bytes, or a stream) into `target`.
 * Resolves with counts; rejects with an OciError naming the entry, leaving `target` untouched.
 */
export async function extractTarball(source: string | Buffer | Readable, target: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  const label = opts.label ?? 'archive';
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  // A stream may fail before pipeline() listens (while the target is checked, the temp dir
  // made): that error must not go uncaught; pipeline still sees the stream errored and rejects.
  const early = (): void => undefined;
  if (source instanceof Readable) source.on('error', early);
  const unguard = (err: unknown): never => {
    if (source instanceof Readable) source.off('error', early);
    throw err;
  };
  const exists = await prepareTarget(target, opts.replace ?? false, label).catch(unguard);
  const input = Buffer.isBuffer(source) ? Readable.from([source]) : typeof source === 'string' ? createReadStream(source) : source;
  const auto = opts.gzip === undefined || opts.gzip === 'auto';
  const gzip = auto ? (Buffer.isBuffer(source) || typeof source === 'string' ? await sniffGzip(source) : await peekGzip(input).catch(unguard)) : opts.gzip === true;
  const tmp = await mkdtemp(join(dirname(target), `.${basename(target)}.extract-`));
  const result: ExtractResult = { files: 0, directories: 0, skippedSymlinks: 0, bytes: 0, tarBytes: 0 };
  const dirModes: [string, number][] = [];
  const made = new Set<string>([tmp]);
  const mkdirOnce = (dir: string): void => {
    if (made.has(dir)) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    made.add(dir);
  };
  let entries = 0;
  let failure: OciError | undefined;
  let openFd: number | undefined;

  const refuse = (err: OciError): void => {
    failure ??= err;
    parser.abort(err);
  };

  const onEntry = (entry: ReadEntry): void => {
    if (failure) return void entry.resume();
    const raw = entry.path;
    const where = `${label}: entry "${raw}"`;
    if (++entries > maxEntries) return refuse(new OciError('ARCHIVE_LIMIT', `${where}: more than ${maxEntries} entries`));
    const why = unsafeName(raw);
    if (why) return refuse(new OciError('UNSAFE_ARCHIVE', `${where} ${why}`));
    const name = cleanName(raw);
    const dest = name === '' ? tmp : join(tmp, name);
    const perm = (entry.mode ?? 0o644) & 0o777;
    switch (entry.type) {
      case 'Directory':
        mkdirOnce(dest);
        dirModes.push([dest, perm | 0o700]);
        result.directories++;
        return void entry.resume();
      case 'File':
      case 'OldFile':
      case 'ContiguousFile': {
        if (name === '') return refuse(new OciError('UNSAFE_ARCHIVE', `${where}: a file cannot be the root`));
        result.bytes += entry.size;
        if (result.bytes > maxBytes) return refuse(new OciError('ARCHIVE_LIMIT', `${where}: files add up to more than ${maxBytes} bytes`));
        let fd: number;
        try {
          mkdirOnce(dirname(dest));
          fd = openSync(dest, 'w', perm);
        } catch (err) {
          return refuse(new OciError('UNSAFE_ARCHIVE', `${where}: cannot be written (${(err as Error).message})`, { cause: err }));
        }
        openFd = fd;
        entry.on('data', (chunk: Buffer) => {
          try {
            writeSync(fd, chunk);
          } catch (err) {
            refuse(new OciError('UNSAFE_ARCHIVE', `${where}: write failed (${(err as Error).message})`, { cause: err }));
          }
        });
        entry.on('end', () => {
          if (openFd !== fd) return;
          openFd = undefined;
          if ((perm & umask) !== 0) fchmodSync(fd, perm); // open() applied the umask
          closeSync(fd);
        });
        result.files++;
        return;
      }
      case 'SymbolicLink':
        if (opts.skipSymlinks) {
          result.skippedSymlinks++;
          return void entry.resume();
        }
        return refuse(new OciError('UNSAFE_ARCHIVE', `${where} is a symlink to "${entry.linkpath ?? ''}"; links are not allowed in an artifact`));
      case 'Link':
        return refuse(new OciError('UNSAFE_ARCHIVE', `${where} is a hard link to "${entry.linkpath ?? ''}"; links are not allowed in an artifact`));
      default:
        return refuse(new OciError('UNSAFE_ARCHIVE', `${where} has type ${entry.type}; only files and directories are allowed`));
    }
  };

  const parser = new Parser({ strict: true, onReadEntry: onEntry });
  const limit = new ByteLimit(maxBytes + maxEntries * 1536 + 1024 * 1024, label);
  try {
    const stages: NodeJS.ReadWriteStream[] = gzip ? [createGunzip(), limit] : [limit];
    await pipeline([input, ...stages, parser as unknown as NodeJS.WritableStream], { signal: opts.signal });
    if (failure) throw failure;
    for (const [dir, mode] of dirModes.reverse()) chmodSync(dir, mode);
    result.tarBytes = limit.bytes;
    if (source instanceof Readable) source.off('error', early);
    if (exists) {
      const old = `${tmp}.old`;
      await rename(target, old);
      await rename(tmp, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, target);
    }
    return result;
  } catch (err) {
    if (source instanceof Readable) source.off('error', early);
    if (openFd !== undefined) closeSync(openFd);
    await rm(tmp, { recursive: true, force: true });
    if (failure) throw failure;
    if (err instanceof OciError) throw err;
    if (opts.signal?.aborted) throw new OciError('ABORTED', `${label}: extraction aborted`, { cause: err });
    throw new OciError('UNSAFE_ARCHIVE', `${label}: not a readable tar${gzip ? '+gzip' : ''} archive (${(err as Error).message})`, { cause: err });
  }
}

/** Look at the first bytes of a stream without consuming them: is it gzip? */
function peekGzip(stream: Readable): Promise<boolean> {
  return new Promise((resolve, reject) => {
    if (stream.errored) return reject(stream.errored);
    if (stream.destroyed) return reject(new Error('the input stream was closed before its first byte'));
    const done = (value: boolean | Error): void => {
      stream.off('readable', onReadable);
      stream.off('error', done);
      stream.off('end', onEnd);
      stream.off('close', onClose);
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    const onEnd = (): void => done(false);
    const onClose = (): void => done(stream.errored ?? new Error('the input stream was closed before its first byte'));
    const onReadable = (): void => {
      const chunk = stream.read() as Buffer | null;
      if (chunk === null) return;
      stream.unshift(chunk);
      done(chunk[0] === GZIP_MAGIC[0] && chunk[1] === GZIP_MAGIC[1]);
    };
    stream.on('readable', onReadable);
    stream.once('error', done);
    stream.once('end', onEnd);
    stream.once('close', onClose);
  });
}
