/**
 * Where `ocilab prepare` keeps what an offline run needs: `docker save` archives of the
 * images and the Flux install manifests, plus a record of what was really cached, from
 * where and when (never claimed for what failed).
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../process/write-file-atomic.js';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'ocilab');
}

export const fluxManifestsFile = (cacheDir: string) => join(cacheDir, 'flux', 'install.yaml');
export const imagesDir = (cacheDir: string) => join(cacheDir, 'images');
export const cacheRecordFile = (cacheDir: string) => join(cacheDir, 'cache.json');

/** `ghcr.io/fluxcd/source-controller:v1.9.5` → `ghcr.io_fluxcd_source-controller_v1.9.5.tar`. */
export function imageArchiveName(image: string): string {
  return `${image.replace(/[^A-Za-z0-9._-]/g, '_')}.tar`;
}

export interface CachedItem {
  what: 'image' | 'flux-manifests';
  name: string;
  file: string;
  /** How it was obtained: "docker pull + docker save", "flux install --export (flux v2.9.5)". */
  source: string;
  at: string;
}

export interface CacheRecord {
  items: CachedItem[];
}

export async function readCacheRecord(cacheDir: string): Promise<CacheRecord> {
  try {
    const parsed = JSON.parse(await readFile(cacheRecordFile(cacheDir), 'utf8')) as CacheRecord;
    return { items: Array.isArray(parsed.items) ? parsed.items : [] };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { items: [] };
    throw new Error(`${cacheRecordFile(cacheDir)} is unreadable (${(err as Error).message}): delete it and run ocilab prepare again`);
  }
}

/** Add (or replace, by what+name) items and write the record atomically. */
export async function recordCached(cacheDir: string, items: CachedItem[]): Promise<void> {
  const record = await readCacheRecord(cacheDir);
  const kept = record.items.filter((i) => !items.some((n) => n.what === i.what && n.name === i.name));
  writeFileAtomic(cacheRecordFile(cacheDir), JSON.stringify({ items: [...kept, ...items] }, null, 2) + '\n', 0o644);
}
