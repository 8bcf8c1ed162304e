/**
 * The per-entry rules of the safe extractor (see extract.ts): which tar entries may be read,
 * under which caps. `EntrySink` applies them and hands each admitted entry to its subclass:
 * `EntryWriter` writes it into the extraction's temp dir, `EntryReader` keeps it in memory.
 * One sink per archive; it owns the node-tar Parser that feeds it and aborts it on the first
 * refusal.
 */
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { Parser } from 'tar/parse';
import type { ReadEntry } from 'tar/read-entry';
import { OciError } from './errors.js';

export interface EntryRules {
  /** Names the archive in errors. */
  label: string;
  maxBytes: number;
  maxEntries: number;
  skipSymlinks: boolean;
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

const DRIVE_LETTER = /^[A-Za-z]:/;
const DOT_DOT = /(?:^|\/)\.\.(?:\/|$)/;
/** An empty or "." component, or a trailing slash: the name needs cleaning. */
const NOT_CLEAN = /(?:^|\/)\.?(?:\/|$)/;

/** Why an entry name is unsafe, or undefined when it is fine. */
export function unsafeName(name: string): string | undefined {
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'is an absolute path';
  if (DRIVE_LETTER.test(name)) return 'starts with a drive letter';
  if (DOT_DOT.test(name)) return 'contains a ".." component';
  return undefined;
}

/** "./a//b/" -> "a/b"; "." and "./" -> "" (the root). */
function cleanName(name: string): string {
  if (!NOT_CLEAN.test(name)) return name;
  return name.split('/').filter((part) => part !== '' && part !== '.').join('/');
}

/** An entry that passed the rules: its clean name ("" is the root) and permission bits. */
export interface AdmittedEntry {
  name: string;
  perm: number;
  entry: ReadEntry;
}

export abstract class EntrySink {
  readonly parser: Parser;
  readonly result: ExtractResult = { files: 0, directories: 0, skippedSymlinks: 0, bytes: 0, tarBytes: 0 };
  /** The first refusal; the parser was aborted with it. */
  failure: OciError | undefined;
  private count = 0;

  constructor(protected readonly rules: EntryRules) {
    this.parser = new Parser({ strict: true, onReadEntry: (entry) => this.onEntry(entry) });
  }

  /** A directory entry passed the rules (the entry is resumed by the caller). */
  protected abstract directory(e: AdmittedEntry): void;
  /** A file entry passed the rules: consume its data. */
  protected abstract file(e: AdmittedEntry): void;

  /** A symlink dropped under `skipSymlinks`. */
  protected skippedSymlink(_e: AdmittedEntry): void {}

  /** After the last entry. */
  finish(): void {}

  /** After a failure: let go of what is half done. */
  release(): void {}

  /** Names the entry in errors: `layer sha256:… of oci://…: entry "a/b"`. */
  protected where(raw: string): string {
    return `${this.rules.label}: entry "${raw}"`;
  }

  protected refuse(err: OciError): void {
    this.failure ??= err;
    this.parser.abort(err);
  }

  private onEntry(entry: ReadEntry): void {
    if (this.failure) return void entry.resume();
    const { maxBytes, maxEntries } = this.rules;
    const raw = entry.path;
    if (++this.count > maxEntries) return this.refuse(new OciError('ARCHIVE_LIMIT', `${this.where(raw)}: more than ${maxEntries} entries`));
    const why = unsafeName(raw);
    if (why) return this.refuse(new OciError('UNSAFE_ARCHIVE', `${this.where(raw)} ${why}`));
    // A clean name has no "", "." or ".." component: appending it to a root cannot leave it.
    const name = cleanName(raw);
    const perm = (entry.mode ?? 0o644) & 0o777;
    switch (entry.type) {
      case 'Directory':
        this.directory({ name, perm, entry });
        this.result.directories++;
        return void entry.resume();
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        if (name === '') return this.refuse(new OciError('UNSAFE_ARCHIVE', `${this.where(raw)}: a file cannot be the root`));
        this.result.bytes += entry.size;
        if (this.result.bytes > maxBytes) return this.refuse(new OciError('ARCHIVE_LIMIT', `${this.where(raw)}: files add up to more than ${maxBytes} bytes`));
        this.result.files++;
        return this.file({ name, perm, entry });
      case 'SymbolicLink':
        if (this.rules.skipSymlinks) {
          this.result.skippedSymlinks++;
          this.skippedSymlink({ name, perm, entry });
          return void entry.resume();
        }
        return this.refuse(new OciError('UNSAFE_ARCHIVE', `${this.where(raw)} is a symlink to "${entry.linkpath ?? ''}"; links are not allowed in an artifact`));
      case 'Link':
        return this.refuse(new OciError('UNSAFE_ARCHIVE', `${this.where(raw)} is a hard link to "${entry.linkpath ?? ''}"; links are not allowed in an artifact`));
      default:
        return this.refuse(new OciError('UNSAFE_ARCHIVE', `${this.where(raw)} has type ${entry.type}; only files and directories are allowed`));
    }
  }
}

/** Writes admitted entries under `root` (a fresh, empty temp dir). */
export class EntryWriter extends EntrySink {
  private openFd: number | undefined;
  private readonly made = new Set<string>();
  private readonly dirModes: [string, number][] = [];

  constructor(private readonly root: string, rules: EntryRules) {
    super(rules);
    this.made.add(root);
  }

  /** After the last entry: give directories their modes (last, so a read-only one still took its files). */
  override finish(): void {
    for (const [dir, mode] of this.dirModes.reverse()) chmodSync(dir, mode);
  }

  /** After a failure: close the file being written, if any. */
  override release(): void {
    if (this.openFd !== undefined) closeSync(this.openFd);
    this.openFd = undefined;
  }

  private dest(name: string): string {
    return name === '' ? this.root : `${this.root}/${name}`;
  }

  private mkdirOnce(dir: string): void {
    if (this.made.has(dir)) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.made.add(dir);
  }

  protected directory({ name, perm }: AdmittedEntry): void {
    const dest = this.dest(name);
    this.mkdirOnce(dest);
    this.dirModes.push([dest, perm | 0o700]);
  }

  protected file({ name, perm, entry }: AdmittedEntry): void {
    this.writeFile(entry, this.dest(name), perm);
  }

  private writeFile(entry: ReadEntry, dest: string, perm: number): void {
    let fd: number;
    try {
      this.mkdirOnce(dest.slice(0, dest.lastIndexOf('/')));
      fd = openSync(dest, 'w', perm);
    } catch (err) {
      return this.refuse(new OciError('UNSAFE_ARCHIVE', `${this.where(entry.path)}: cannot be written (${(err as Error).message})`, { cause: err }));
    }
    this.openFd = fd;
    entry.on('data', (chunk: Buffer) => {
      try {
        writeSync(fd, chunk);
      } catch (err) {
        this.refuse(new OciError('UNSAFE_ARCHIVE', `${this.where(entry.path)}: write failed (${(err as Error).message})`, { cause: err }));
      }
    });
    entry.on('end', () => {
      if (this.openFd !== fd) return;
      this.openFd = undefined;
      if ((perm & umask) !== 0) fchmodSync(fd, perm); // open() applied the umask
      closeSync(fd);
    });
  }
}

/** An entry read into memory by `EntryReader`. */
export interface TarEntry {
  /** The clean name ("" for the root directory). */
  name: string;
  /** 'symlink': one dropped under `skipSymlinks`, listed so a comparison can still see it. */
  type: 'file' | 'directory' | 'symlink';
  /** Permission bits. */
  mode: number;
  size: number;
  mtime?: Date;
  /** sha256 of the content ("sha256:…"), files only. */
  digest?: string;
  /** The content, for the files `keep` chose. */
  data?: Buffer;
}

/** Lists admitted entries in archive order; hashes every file and keeps the bodies `keep` names. */
export class EntryReader extends EntrySink {
  readonly entries: TarEntry[] = [];

  constructor(rules: EntryRules, private readonly keep: (name: string) => boolean = () => false) {
    super(rules);
  }

  protected directory({ name, perm, entry }: AdmittedEntry): void {
    this.entries.push({ name, type: 'directory', mode: perm, size: 0, mtime: entry.mtime });
  }

  protected override skippedSymlink({ name, perm, entry }: AdmittedEntry): void {
    this.entries.push({ name, type: 'symlink', mode: perm, size: 0, mtime: entry.mtime });
  }

  protected file({ name, perm, entry }: AdmittedEntry): void {
    const item: TarEntry = { name, type: 'file', mode: perm, size: entry.size, mtime: entry.mtime };
    this.entries.push(item);
    const hash = createHash('sha256');
    const chunks: Buffer[] | undefined = this.keep(name) ? [] : undefined;
    entry.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      chunks?.push(chunk);
    });
    entry.on('end', () => {
      item.digest = `sha256:${hash.digest('hex')}`;
      if (chunks) item.data = Buffer.concat(chunks);
    });
  }
}
