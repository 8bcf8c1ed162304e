/**
 * The real `cosign` CLI: find it, run it, and build the cosign command line that is
 * equivalent to what ocilab's own signer/verifier does (shown to the audience either way).
 * Passwords go through COSIGN_PASSWORD in the child's environment, never argv.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CosignError } from './errors.js';

export type CosignOperation =
  | { op: 'generate-key-pair'; outputKeyPrefix?: string }
  | { op: 'sign'; ref: string; key: string; allowHttpRegistry?: boolean; annotations?: Record<string, string> }
  | { op: 'verify'; ref: string; key: string; allowHttpRegistry?: boolean; format?: 'classic' | 'bundle' | 'any' };

/**
 * argv (without "cosign") for the cosign v3 command equivalent to `op`: key-based, offline
 * (no Rekor upload/check), classic `.sig` format for signing, since that is what ocilab writes.
 */
export function cosignArgs(o: CosignOperation): string[] {
  switch (o.op) {
    case 'generate-key-pair':
      return ['generate-key-pair', ...(o.outputKeyPrefix ? ['--output-key-prefix', o.outputKeyPrefix] : [])];
    case 'sign':
      return [
        'sign',
        '--key', o.key,
        '--tlog-upload=false',
        '--use-signing-config=false',
        '--new-bundle-format=false',
        ...(o.allowHttpRegistry ? ['--allow-http-registry', '--allow-insecure-registry'] : []),
        ...Object.entries(o.annotations ?? {}).flatMap(([k, v]) => ['-a', `${k}=${v}`]),
        '--yes',
        o.ref,
      ];
    case 'verify':
      return [
        'verify',
        '--key', o.key,
        '--insecure-ignore-tlog',
        ...(o.format === 'classic' ? ['--new-bundle-format=false'] : []),
        ...(o.allowHttpRegistry ? ['--allow-http-registry', '--allow-insecure-registry'] : []),
        o.ref,
      ];
  }
}

/** The command line to display, shell-quoted, e.g. `cosign verify --key cosign.pub ...`. */
export function equivalentCosignCommand(o: CosignOperation): string {
  const env = o.op === 'verify' ? '' : 'COSIGN_PASSWORD=… ';
  return `${env}cosign ${cosignArgs(o).map(shellQuote).join(' ')}`;
}

export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Path of `cosign` on PATH (or ~/go/bin), or undefined. */
export function findCosign(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter), join(env.HOME ?? '/root', 'go', 'bin')];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, 'cosign');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface CosignRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run the real cosign. Non-zero exit is returned, not thrown (verification failures are
 * results). `password` is passed as COSIGN_PASSWORD and scrubbed from the returned output.
 */
export function runCosign(
  args: string[],
  opts: { password?: Uint8Array; signal?: AbortSignal; cwd?: string; cosignPath?: string; timeoutMs?: number } = {},
): Promise<CosignRun> {
  const bin = opts.cosignPath ?? findCosign();
  if (!bin) throw new CosignError('COSIGN_CLI', 'the cosign CLI is not on PATH (scripts/ci/install-cosign.sh installs it)');
  const env: NodeJS.ProcessEnv = { ...process.env, COSIGN_YES: 'true' };
  delete env.COSIGN_PASSWORD;
  if (opts.password) env.COSIGN_PASSWORD = Buffer.from(opts.password).toString('utf8');
  const scrub = (s: string) =>
    opts.password && opts.password.length > 0 ? s.replaceAll(Buffer.from(opts.password).toString('utf8'), '***') : s;
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      args,
      { env, cwd: opts.cwd, signal: opts.signal, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ABORT_ERR') return reject(err);
        const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0;
        resolve({ code, stdout: scrub(String(stdout)), stderr: scrub(String(stderr)) });
      },
    );
  });
}
