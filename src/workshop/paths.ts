/**
 * Where ocilab keeps per-user files: progress in the config directory, the workshop env
 * file in the state directory. XDG on Linux and other Unixes; the platform's own place on
 * macOS and Windows (xdg-basedir: "You should not use XDG on macOS or Windows").
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface PlatformEnv {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
}

const current = (): PlatformEnv => ({ platform: process.platform, env: process.env, home: homedir() });

/** A set, non-empty, absolute path (XDG says relative values are to be ignored). */
function absolute(value: string | undefined): string | undefined {
  return value && (value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value)) ? value : undefined;
}

/** $XDG_CONFIG_HOME/ocilab or ~/.config/ocilab; ~/Library/Application Support/ocilab; %APPDATA%\ocilab. */
export function configDir(p: PlatformEnv = current()): string {
  if (absolute(p.env.OCILAB_CONFIG_DIR)) return p.env.OCILAB_CONFIG_DIR!;
  if (p.platform === 'darwin') return join(p.home, 'Library', 'Application Support', 'ocilab');
  if (p.platform === 'win32') return join(p.env.APPDATA ?? join(p.home, 'AppData', 'Roaming'), 'ocilab');
  return join(absolute(p.env.XDG_CONFIG_HOME) ?? join(p.home, '.config'), 'ocilab');
}

/** $XDG_STATE_HOME/ocilab or ~/.local/state/ocilab; on macOS/Windows next to the config. */
export function stateDir(p: PlatformEnv = current()): string {
  if (absolute(p.env.OCILAB_STATE_DIR)) return p.env.OCILAB_STATE_DIR!;
  if (p.platform === 'darwin') return join(p.home, 'Library', 'Application Support', 'ocilab');
  if (p.platform === 'win32') return join(p.env.LOCALAPPDATA ?? join(p.home, 'AppData', 'Local'), 'ocilab');
  return join(absolute(p.env.XDG_STATE_HOME) ?? join(p.home, '.local', 'state'), 'ocilab');
}

/** A scenario id is `[a-z0-9][a-z0-9._-]*` (schema), safe as a file name. */
export function progressFile(scenarioId: string, p: PlatformEnv = current()): string {
  return join(configDir(p), 'progress', `${scenarioId}.json`);
}

export function envFile(scenarioId: string, p: PlatformEnv = current()): string {
  return join(stateDir(p), `${scenarioId}.env`);
}
