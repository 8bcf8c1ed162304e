/**
 * Where the notes socket lives: a per-user directory (0700) in XDG_RUNTIME_DIR, or the temp
 * dir when there is none. Local only: a Unix socket, no network.
 */
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export function notesDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_RUNTIME_DIR && env.XDG_RUNTIME_DIR !== '' ? env.XDG_RUNTIME_DIR : tmpdir();
  return join(base, `ocilab-${userInfo().uid}`);
}

/** Creates the directory 0700 if needed; refuses one that is not ours or not private. */
export function ensureNotesDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.isSymbolicLink()) throw new Error(`${dir} is not a directory; refusing to put the notes socket there`);
  if (process.getuid && st.uid !== process.getuid()) throw new Error(`${dir} belongs to another user; refusing to put the notes socket there`);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  return dir;
}

export function notesSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(notesDir(env), 'notes.sock');
}
