/**
 * The real `helm` CLI, when it is installed: find it, run it with its state kept out of the
 * user's home (HELM_*_HOME in a directory the caller owns), and spell out the helm command
 * equivalent to what ocilab does itself, so a presenter can show the command either way.
 */
import { execFile } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { access, constants } from 'node:fs/promises';

/** The helm binary on PATH (or ~/go/bin, where `go install` puts it), or undefined. */
export async function findHelm(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const dirs = [...(env.PATH ?? '').split(delimiter), join(env.HOME ?? '/root', 'go', 'bin')].filter(Boolean);
  for (const d of dirs) {
    const p = join(d, 'helm');
    if (await access(p, constants.X_OK).then(() => true, () => false)) return p;
  }
  return undefined;
}

export interface HelmRun {
  stdout: string;
  stderr: string;
  command: string;
}

/** Shell-quote one argument for display. */
export function quote(a: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(args: string[]): string {
  return ['helm', ...args].map(quote).join(' ');
}

/**
 * Run helm. `stateDir` holds its cache, config and data (so nothing lands in ~/.config/helm);
 * a non-zero exit rejects with helm's own error line.
 */
export function runHelm(helm: string, args: string[], opts: { stateDir: string; signal?: AbortSignal; cwd?: string }): Promise<HelmRun> {
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(opts.stateDir, 'cache'),
    HELM_CONFIG_HOME: join(opts.stateDir, 'config'),
    HELM_DATA_HOME: join(opts.stateDir, 'data'),
  };
  return new Promise((resolve, reject) => {
    execFile(helm, args, { env, cwd: opts.cwd, signal: opts.signal, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        const why = stderr.trim().split('\n').filter(Boolean).pop() ?? (err as Error).message;
        reject(new Error(`${commandLine(args)} failed: ${why}`));
      } else resolve({ stdout, stderr, command: commandLine(args) });
    });
  });
}

/** `Digest: sha256:…` from helm push/pull output. */
export function digestFromOutput(out: string): string | undefined {
  return /^Digest: (sha256:[a-f0-9]{64})$/m.exec(out)?.[1];
}

export const helmCommands = {
  package: (chartDir: string, dest: string, version?: string) => ['package', chartDir, '--destination', dest, ...(version ? ['--version', version] : [])],
  push: (archive: string, remote: string, plainHttp: boolean) => ['push', archive, remote, ...(plainHttp ? ['--plain-http'] : [])],
  pull: (chartRef: string, version: string, dest: string, plainHttp: boolean) => ['pull', chartRef, '--version', version, '--destination', dest, ...(plainHttp ? ['--plain-http'] : [])],
  show: (chartRef: string, version: string, what: 'chart' | 'values', plainHttp: boolean) => ['show', what, chartRef, '--version', version, ...(plainHttp ? ['--plain-http'] : [])],
};
