/**
 * The local artifact store: source-controller's storage layout
 * (`<kind>/<namespace>/<name>/<file>`) under a directory, archives written by an injected
 * archiver (the shared Flux tarball builder in src/oci/artifact.ts), old artifacts
 * garbage-collected keeping the newest two (source-controller's default retention).
 */
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface ArchiveRequest {
  /** Directory to archive. */
  dir: string;
  /** Absolute output path (.tar.gz). */
  output: string;
  /** gitignore-syntax patterns of files to leave out (replaces any defaults). */
  ignorePaths: string[];
  signal?: AbortSignal;
}

/** Writes `dir` as a gzipped tar to `output`; returns "sha256:<hex>" of the file and its size. */
export type ArchiveFn = (req: ArchiveRequest) => Promise<{ digest: string; size: number }>;

export const ARTIFACT_RETENTION = 2;

export class ArtifactStorage {
  readonly root: string;

  constructor(
    root: string,
    private readonly archiveFn: ArchiveFn,
  ) {
    this.root = resolve(root);
  }

  relPath(kind: 'GitRepository' | 'OCIRepository', namespace: string, name: string, file: string): string {
    return `${kind.toLowerCase()}/${namespace}/${name}/${file}`;
  }

  abs(rel: string): string {
    return join(this.root, rel);
  }

  url(rel: string): string {
    return pathToFileURL(this.abs(rel)).href;
  }

  async exists(rel: string): Promise<boolean> {
    return stat(this.abs(rel)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async archive(dir: string, rel: string, ignorePaths: string[], signal?: AbortSignal): Promise<{ digest: string; size: number }> {
    const out = this.abs(rel);
    await mkdir(dirname(out), { recursive: true });
    return this.archiveFn({ dir, output: out, ignorePaths, signal });
  }

  /** Store a file as-is (OCIRepository layerSelector.operation: copy). */
  async storeFile(src: string, rel: string): Promise<{ digest: string; size: number }> {
    const out = this.abs(rel);
    await mkdir(dirname(out), { recursive: true });
    const tmp = `${out}.tmp-${process.pid}`;
    await copyFile(src, tmp);
    await rename(tmp, out);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(out)) hash.update(chunk as Buffer);
    return { digest: `sha256:${hash.digest('hex')}`, size: (await stat(out)).size };
  }

  /** Remove all but the newest `keep` artifacts of one object (never `current`). */
  async gc(kind: 'GitRepository' | 'OCIRepository', namespace: string, name: string, current: string, keep = ARTIFACT_RETENTION): Promise<void> {
    const dir = this.abs(this.relPath(kind, namespace, name, ''));
    const files = await readdir(dir).catch(() => [] as string[]);
    const withTimes = await Promise.all(
      files.filter((f) => f.endsWith('.tar.gz') || f.endsWith('.tgz')).map(async (f) => ({ f, t: (await stat(join(dir, f))).mtimeMs })),
    );
    withTimes.sort((a, b) => b.t - a.t);
    const currentFile = current.split('/').pop();
    for (const { f } of withTimes.slice(keep)) if (f !== currentFile) await rm(join(dir, f), { force: true });
  }
}
