/** Where per-run directories go: memory (tmpfs) to compare fetches, disk to show what a disk costs. */
import { accessSync, constants, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { filesystemOf } from './destination.js';

/** 'tmpfs' → /dev/shm when it is a writable tmpfs (else the temp dir); 'temp' → the OS temp dir; else a path. */
export function resolveDestRoot(choice: string, base = process.cwd()): string {
  if (choice === 'temp') return tmpdir();
  if (choice === 'tmpfs') {
    try {
      accessSync('/dev/shm', constants.W_OK);
      if (filesystemOf('/dev/shm').inMemory) return '/dev/shm';
    } catch {
      // no writable /dev/shm
    }
    return tmpdir();
  }
  const dir = isAbsolute(choice) ? choice : resolve(base, choice);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new Error(`destination ${dir} is not an existing directory`);
  return dir;
}
