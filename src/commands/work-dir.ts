/**
 * `ocilab run --work-dir <dir>`: the run's files (measurement reports such as compare.json and
 * compare.md, pulled artifacts, clones, logs) go to a directory the user keeps, instead of a
 * temporary one removed at the end. Steps delete and rewrite files there (`rm -rf manifests`),
 * so the directory must be new or empty: nothing of the user's can be lost.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './exit-codes.js';

/** Creates `dir` (and parents) or accepts an existing empty directory; returns its absolute path. */
export function prepareWorkDir(dir: string): string {
  const abs = resolve(dir);
  let entries: string[] | undefined;
  try {
    if (!statSync(abs).isDirectory()) throw new UsageError(`--work-dir ${dir}: exists and is not a directory`);
    entries = readdirSync(abs);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`--work-dir ${dir}: ${(err as Error).message}`);
  }
  if (entries && entries.length > 0) {
    throw new UsageError(`--work-dir ${dir}: not empty (${entries.length} entries); steps rewrite files there, so give a new or empty directory`);
  }
  mkdirSync(abs, { recursive: true, mode: 0o700 });
  return abs;
}
