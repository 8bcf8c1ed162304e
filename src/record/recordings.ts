/**
 * Where rehearsal recordings live: one asciicast per scenario in the user's data dir
 * (XDG_DATA_HOME, default ~/.local/share), so the present mode's fallback can find them.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function recordingsDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME !== '' ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'ocilab', 'recordings');
}

export function rehearsalFile(scenarioId: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(recordingsDir(env), `${scenarioId.replace(/[^A-Za-z0-9._-]/g, '_')}.cast`);
}
