/**
 * Shared by the `ocilab artifact` command tests: the command run in-process with captured
 * output, and the embedded registry over HTTPS with a throwaway CA (optionally requiring
 * client certificates from it) beside a work dir holding one small source tree.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { artifactCommand } from '../../src/commands/artifact.js';
import { startHttpsRegistry, type HttpsRegistry } from '../registry/tls-fixture.js';

export interface CliResult { code: number; out: string; err: string }

/** `ocilab artifact <args>` with `stdin`; the exit code is read from (and reset on) process.exitCode. */
export async function artifactCli(args: string[], stdin = ''): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  process.exitCode = 0;
  const cmd = artifactCommand({ stdout, stderr, stdin: Readable.from([stdin]), env: {} });
  cmd.exitOverride();
  await cmd.parseAsync(args, { from: 'user' });
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, out, err };
}

/** The embedded HTTPS registry (see startHttpsRegistry) with `src/app.yaml` (`kind: ConfigMap\n`) in its work dir; nothing pushed. */
export async function startCliTlsRegistry(name: string, opts: { clientAuth?: boolean } = {}): Promise<HttpsRegistry> {
  const fixture = await startHttpsRegistry(name, opts);
  await mkdir(join(fixture.work, 'src'));
  await writeFile(join(fixture.work, 'src', 'app.yaml'), 'kind: ConfigMap\n');
  return fixture;
}
