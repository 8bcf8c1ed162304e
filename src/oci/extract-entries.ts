/**
 * The per-entry rules of the safe extractor (see extract.ts): which tar entries may be written,
 * under which caps, and writing them into the extraction's temp dir. One `EntryWriter` per
 * archive; it owns the node-tar Parser that feeds it and aborts it on the first refusal.
 */
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { Parser, type ReadEntry } from 'tar';
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

export class EntryWriter {
  readonly parser: Parser;
  readonly result: ExtractResult = { files: 0, directories: 0, skippedSymlinks: 0, bytes: 0, tarBytes: 0 };
  /** The first refusal; the parser was aborted with it. */
  failure: OciError | undefined;
  private entries = 0;
  private openFd: number | undefined;
  private readonly made = new Set<string>();
  private readonly dirModes: [string, number][] = [];

  /** `root`: the (fresh, empty) temp dir entries are written into. */
  constructor(private readonly root: string, private readonly rules: EntryRules) {
    this.made.add(root);
    this.parser = new Parser({ strict: true, onReadEntry: (entry) => this.onEntry(entry) });
  }

  /** After the last entry: give directories their modes (last, so a read-only one still took its files). */
  finish(): void {
    for (const [dir, mode] of this.dirModes.reverse()) chmodSync(dir, mode);
  }

  /** After a failure: close the file being written, if any. */
  release(): void {
    if (this.openFd !== undefined) closeSync(this.openFd);
    this.openFd = undefined;
  }

  /** Names the entry in errors: `layer sha256:… of oci://…: entry "a/b"`. */
  private where(raw: string): string {
    return `${this.rules.label}: entry "${raw}"`;
  }

  private refuse(err: OciError): void {
    this.failure ??= err;
    this.parser.abort(err);
  }

  private mkdirOnce(dir: string): void {
    if (this.made.has(dir)) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.made.add(dir);
  }

  private onEntry(entry: ReadEntry): void {
    if (this.failure) return void entry.resume();
    const { maxBytes, maxEntries } = this.rules;
    const raw = entry.path;
    if (++this.entries > maxEntries) return this.refuse(new OciError('ARCHIVE_LIMIT', `${this.where(raw)}: more than ${maxEntries} entries`));
    const why = unsafeName(raw);
    if (why) return this.refuse(new OciError('UNSAFE_ARCHIVE', `${this.where(raw)} ${why}`));
    const name = cleanName(raw);
    // A clean name has no "", "." or ".." component: appending it cannot leave the root.
    const dest = name === '' ? this.root : `${this.root}/${name}`;
    const perm = (entry.mode ?? 0o644) & 0o777;
    switch (entry.type) {
      case 'Directory':
        this.mkdirOnce(dest);
        this.dirModes.push([dest, perm | 0o700]);
        this.result.directories++;
        return void entry.resume();
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        if (name === '') return this.refuse(new OciError('UNSAFE_ARCHIVE', `${this.where(raw)}: a file cannot be the root`));
        this.result.bytes += entry.size;
        if (this.result.bytes > maxBytes) return this.refuse(new OciError('ARCHIVE_LIMIT', `${this.where(raw)}: files add up to more than ${maxBytes} bytes`));
        return this.writeFile(entry, dest, perm);
      case 'SymbolicLink':
        if (this.rules.skipSymlinks) {
          this.result.skippedSymlinks++;
          return void entry.resume();
        }
        return this.refuse(new OciError('UNSAFE_ARCHIVE', `${this.where(raw)} is a symlink to "${entry.linkpath ?? ''}"; links are not allowed in an artifact`));
      case 'Link':
        return this.refuse(new OciError('UNSAFE_ARCHIVE', `${this.where(raw)} is a hard link to "${entry.linkpath ?? ''}"; links are not allowed in an artifact`));
      default:
        return this.refuse(new OciError('UNSAFE_ARCHIVE', `${this.where(raw)} has type ${entry.type}; only files and directories are allowed`));
    }
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
    this.result.files++;
  }
}
