/**
 * The one safe tar extractor of ocilab: OCI layers, Git archives, fixtures, Helm charts, the
 * untar measurement and `artifact diff` all read tar through it (`extractTarball` to a
 * directory, `readTarball` into memory).
 *
 * Following fluxcd/pkg tar.Untar, and stricter: entry names with "..", absolute names, drive
 * letters or backslashes are refused; symlinks are refused (or dropped with `skipSymlinks`, as
 * `flux pull` does); hard links, devices, FIFOs and other types are refused; the total file
 * size (default 100 MiB, Flux's DefaultMaxUntarSize), the entry count and the decompressed
 * stream size are capped. The archive is unpacked into a temp dir beside the target and renamed
 * into place only when every entry passed, so a refused archive leaves nothing behind.
 */
import { createReadStream, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { makeTempDir } from '../engine/cleanup.js';
import { OciError } from './errors.js';
import { EntryReader, EntryWriter, type EntrySink, type ExtractResult, type TarEntry } from './extract-entries.js';

export { unsafeName, type ExtractResult, type TarEntry } from './extract-entries.js';

export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;
export const DEFAULT_MAX_ENTRIES = 100_000;
/**
 * Bytes given as a Buffer are inflated with one zlib call when the tar fits in this much
 * (a streaming gunzip costs a thread-pool round trip per 16 KiB); larger ones are streamed.
 */
export const WHOLE_INFLATE_MAX_BYTES = 16 * 1024 * 1024;
/**
 * Archives (and OCI layers) up to this size are read whole and take the in-memory path; larger
 * ones are streamed. Most Flux artifacts are a few KiB.
 */
export const WHOLE_READ_MAX_BYTES = 4 * 1024 * 1024;

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

const GZIP_MAGIC = [0x1f, 0x8b];

const bombError = (label: string, max: number): OciError =>
  new OciError('ARCHIVE_LIMIT', `${label}: decompressed tar stream exceeds ${max} bytes (decompression bomb?)`);

/**
 * Caps the decompressed stream. After the tar's end-of-archive blocks (`atEnd()`) it only
 * counts: node-tar would concatenate every later chunk to the previous ones (quadratic time
 * on a stream of zeros), and a tar reader ignores what follows the end anyway.
 */
class ByteLimit extends Transform {
  bytes = 0;
  private ended = false;
  constructor(private readonly max: number, private readonly label: string) {
    super();
  }
  atEnd(): void {
    this.ended = true;
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) return cb(bombError(this.label, this.max));
    cb(null, this.ended ? undefined : chunk);
  }
}

/**
 * gzip bytes inflated in one call, or undefined when the tar may be over
 * WHOLE_INFLATE_MAX_BYTES (then they are streamed). The trailer's size is only a hint
 * (an attacker writes it); `maxOutputLength` is what bounds the memory.
 */
function inflateWhole(gz: Buffer, cap: number, label: string): Buffer | undefined {
  const limit = Math.min(cap, WHOLE_INFLATE_MAX_BYTES);
  const hint = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
  if (hint > limit && limit < cap) return undefined;
  try {
    return gunzipSync(gz, { maxOutputLength: limit });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') {
      throw new OciError('UNSAFE_ARCHIVE', `${label}: not a readable tar+gzip archive (${(err as Error).message})`, { cause: err });
    }
    if (limit === cap) throw bombError(label, cap);
    return undefined;
  }
}

/**
 * Feed a whole tar to the parser in one write; resolves when it ended, rejects on its first
 * error (the listener stays: in strict mode each later invalid header is another 'error').
 */
function parseWhole(sink: EntrySink, tar: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    sink.parser.on('error', reject);
    sink.parser.once('end', resolve);
    sink.parser.end(tar);
  });
}

const isGzip = (bytes: Buffer): boolean => bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];

async function sniffGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && isGzip(buf);
  } finally {
    await fh.close();
  }
}

/**
 * Is there a target to swap? (refusing a non-directory, or a non-empty one without `replace`).
 * This and the temp dir's creation and rename are single metadata calls: synchronous, where the
 * promise versions cost a thread-pool round trip each (as the files themselves are written).
 */
function prepareTarget(target: string, replace: boolean, label: string): boolean {
  const st = statSync(target, { throwIfNoEntry: false });
  if (!st) return false;
  if (!st.isDirectory()) throw new OciError('UNSAFE_ARCHIVE', `${label}: target ${target} exists and is not a directory`);
  if (readdirSync(target).length === 0) return true;
  if (!replace) throw new OciError('UNSAFE_ARCHIVE', `${label}: target ${target} is not empty (pass replace to swap it)`);
  return true;
}

interface Limits {
  label: string;
  maxBytes: number;
  maxEntries: number;
  /** Cap on the decompressed stream: the files, a header (and padding) per entry, some slack. */
  maxTarBytes: number;
}

function limits(opts: { label?: string; maxBytes?: number; maxEntries?: number }): Limits {
  const label = opts.label ?? 'archive';
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  return { label, maxBytes, maxEntries, maxTarBytes: maxBytes + maxEntries * 1536 + 1024 * 1024 };
}

/** A small file is read whole and takes the in-memory path (a layer the reconciler downloaded). */
function readIfSmall<T>(source: string | T): string | T | Buffer {
  if (typeof source !== 'string') return source;
  const st = statSync(source, { throwIfNoEntry: false });
  return st?.isFile() && st.size <= WHOLE_READ_MAX_BYTES ? readFileSync(source) : source;
}

/** What the parser is fed: the whole tar in memory, or a stream (gzip or not) to pipe. */
interface TarInput {
  tar?: Buffer;
  stream?: Readable;
  gzip: boolean;
}

/** Bytes are inflated whole when they fit (and sniffed for gzip with 'auto'); files and streams are streamed. */
async function openInput(source: string | Buffer | Readable, gzipOpt: ExtractOptions['gzip'], lim: Limits): Promise<TarInput> {
  const auto = gzipOpt === undefined || gzipOpt === 'auto';
  let gzip = gzipOpt === true;
  let tar: Buffer | undefined;
  if (Buffer.isBuffer(source)) {
    if (auto) gzip = isGzip(source);
    tar = gzip ? inflateWhole(source, lim.maxTarBytes, lim.label) : source;
    if (tar && tar.length > lim.maxTarBytes) throw bombError(lim.label, lim.maxTarBytes);
    if (tar) return { tar, gzip };
  }
  const stream = Buffer.isBuffer(source) ? Readable.from([source]) : typeof source === 'string' ? createReadStream(source) : source;
  if (auto && !Buffer.isBuffer(source)) gzip = typeof source === 'string' ? await sniffGzipFile(source) : await peekGzip(stream);
  return { stream, gzip };
}

/** Feed the input to the sink's parser under the stream caps; resolves when the tar ended. */
async function parseInto(sink: EntrySink, input: TarInput, lim: Limits, signal: AbortSignal | undefined): Promise<void> {
  if (input.tar) {
    signal?.throwIfAborted();
    await parseWhole(sink, input.tar);
    sink.result.tarBytes = input.tar.length;
  } else {
    const limit = new ByteLimit(lim.maxTarBytes, lim.label);
    sink.parser.once('eof', () => limit.atEnd());
    const stages: NodeJS.ReadWriteStream[] = input.gzip ? [createGunzip(), limit] : [limit];
    await pipeline([input.stream!, ...stages, sink.parser as unknown as NodeJS.WritableStream], { signal });
    sink.result.tarBytes = limit.bytes;
  }
  if (sink.failure) throw sink.failure;
}

/** The error a failed read rejects with: the sink's refusal, an OciError as it is, else UNSAFE_ARCHIVE or ABORTED. */
function archiveError(err: unknown, sink: EntrySink, lim: Limits, gzip: boolean, signal: AbortSignal | undefined): OciError {
  if (sink.failure) return sink.failure;
  if (err instanceof OciError) return err;
  if (signal?.aborted) return new OciError('ABORTED', `${lim.label}: extraction aborted`, { cause: err });
  return new OciError('UNSAFE_ARCHIVE', `${lim.label}: not a readable tar${gzip ? '+gzip' : ''} archive (${(err as Error).message})`, { cause: err });
}

/**
 * Extract a tar or tar+gzip archive (a file path, bytes, or a stream) into `target`.
 * Resolves with counts; rejects with an OciError naming the entry, leaving `target` untouched.
 */
export async function extractTarball(source: string | Buffer | Readable, target: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  source = readIfSmall(source);
  const lim = limits(opts);
  // A stream may fail before pipeline() listens (while the target is checked, the temp dir
  // made): that error must not go uncaught; pipeline still sees the stream errored and rejects.
  const early = (): void => undefined;
  if (source instanceof Readable) source.on('error', early);
  const unguard = (): void => {
    if (source instanceof Readable) source.off('error', early);
  };
  let exists: boolean;
  let input: TarInput;
  try {
    exists = prepareTarget(target, opts.replace ?? false, lim.label);
    input = await openInput(source, opts.gzip, lim);
  } catch (err) {
    unguard();
    throw err;
  }
  const staging = makeTempDir(`.${basename(target)}.extract-`, { parent: dirname(target) });
  const tmp = staging.path;
  const writer = new EntryWriter(tmp, { label: lim.label, maxBytes: lim.maxBytes, maxEntries: lim.maxEntries, skipSymlinks: opts.skipSymlinks ?? false });
  try {
    await parseInto(writer, input, lim, opts.signal);
    writer.finish();
    unguard();
    if (exists) {
      // The old content goes into a registered temp dir of its own, so an interruption
      // while it is being deleted leaves nothing behind either.
      const trash = makeTempDir(`.${basename(target)}.old-`, { parent: dirname(target) });
      renameSync(target, join(trash.path, 'old'));
      renameSync(tmp, target);
      await staging.remove(); // only drops the registration: tmp is the target now
      await trash.remove();
    } else {
      renameSync(tmp, target);
      await staging.remove();
    }
    return writer.result;
  } catch (err) {
    unguard();
    writer.release();
    await staging.remove();
    throw archiveError(err, writer, lim, input.gzip, opts.signal);
  }
}

export interface ReadOptions extends Pick<ExtractOptions, 'signal' | 'maxBytes' | 'maxEntries' | 'skipSymlinks' | 'gzip' | 'label'> {
  /** Which files' content to keep in memory (by clean name); the others are only hashed. Default none. */
  keep?: (name: string) => boolean;
}

export interface TarContents extends ExtractResult {
  /** Every admitted entry in archive order (directories included). */
  entries: TarEntry[];
}

/**
 * Read a tar or tar+gzip archive (a file path or bytes) in memory, under the same rules and caps
 * as `extractTarball`: for listing, comparing, or reading a few files without writing any.
 */
export async function readTarball(source: string | Buffer, opts: ReadOptions = {}): Promise<TarContents> {
  const lim = limits(opts);
  const input = await openInput(readIfSmall(source), opts.gzip, lim);
  const reader = new EntryReader({ label: lim.label, maxBytes: lim.maxBytes, maxEntries: lim.maxEntries, skipSymlinks: opts.skipSymlinks ?? false }, opts.keep);
  try {
    await parseInto(reader, input, lim, opts.signal);
  } catch (err) {
    throw archiveError(err, reader, lim, input.gzip, opts.signal);
  }
  return { ...reader.result, entries: reader.entries };
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
      done(isGzip(chunk));
    };
    stream.on('readable', onReadable);
    stream.once('error', done);
    stream.once('end', onEnd);
    stream.once('close', onClose);
  });
}
