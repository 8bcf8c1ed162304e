/**
 * Where registry credentials come from, in order: --creds-file, --creds-stdin, the environment
 * (OCILAB_REGISTRY_USERNAME / OCILAB_REGISTRY_PASSWORD), then the user's docker config
 * (`$DOCKER_CONFIG/config.json` or ~/.docker/config.json, `auths` entries). Never from a
 * command-line password: `--creds user:pass` (flux's flag) is refused, because it lands in
 * shell history and in `ps` output.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { CredentialSource, Credentials } from './auth.js';
import { DOCKER_HUB } from './reference.js';
import { OciError } from './errors.js';

export interface CredentialFlags {
  credsFile?: string;
  credsStdin?: boolean;
  /** flux's --creds; refused when it carries a password. */
  creds?: string;
}

export interface CredentialEnv {
  env?: NodeJS.ProcessEnv;
  stdin?: Readable;
  /** Directory holding config.json; defaults to $DOCKER_CONFIG or ~/.docker. */
  dockerConfigDir?: string;
}

export const CREDS_ON_COMMAND_LINE =
  '--creds with a password is refused: a password on the command line lands in shell history and ps output. Use --creds-file <file> (one line "user:password"), --creds-stdin, or OCILAB_REGISTRY_USERNAME/OCILAB_REGISTRY_PASSWORD';

export function parseUserPassword(text: string, where: string): Credentials {
  const line = text.replace(/\r?\n$/, '').split(/\r?\n/)[0] ?? '';
  const colon = line.indexOf(':');
  if (colon <= 0) throw new OciError('CREDENTIALS', `${where}: expected one line "username:password"`);
  return { username: line.slice(0, colon), password: line.slice(colon + 1) };
}

async function readAll(stream: Readable): Promise<string> {
  let s = '';
  for await (const chunk of stream) s += chunk.toString();
  return s;
}

interface DockerAuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** Keys a docker config may use for `registry`. */
function dockerKeys(registry: string): string[] {
  const keys = [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
  if (registry === DOCKER_HUB) keys.push('https://index.docker.io/v1/', 'docker.io', 'registry-1.docker.io');
  return keys;
}

/** Credentials for `registry` from a docker config.json, or undefined. */
export async function dockerConfigCredentials(registry: string, dir?: string, env: NodeJS.ProcessEnv = process.env): Promise<Credentials | undefined> {
  const file = join(dir ?? env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let config: { auths?: Record<string, DockerAuthEntry> };
  try {
    config = JSON.parse(text);
  } catch {
    throw new OciError('CREDENTIALS', `${file} is not valid JSON`);
  }
  const auths = config.auths ?? {};
  const key = dockerKeys(registry).find((k) => auths[k]);
  const entry = key ? auths[key] : undefined;
  if (!entry) return undefined;
  if (entry.identitytoken) return { identityToken: entry.identitytoken };
  if (entry.registrytoken) return { registryToken: entry.registrytoken };
  if (entry.auth) return parseUserPassword(Buffer.from(entry.auth, 'base64').toString('utf8'), `${file} auths["${key}"].auth`);
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  return undefined;
}

/**
 * Resolve the flags into a CredentialSource. Explicit credentials (file, stdin, env) are read
 * once, up front; the docker config is consulted per registry.
 */
export async function credentialSource(flags: CredentialFlags = {}, ctx: CredentialEnv = {}): Promise<CredentialSource> {
  const env = ctx.env ?? process.env;
  if (flags.creds !== undefined && flags.creds.includes(':')) throw new OciError('CREDENTIALS', CREDS_ON_COMMAND_LINE);
  if (flags.creds !== undefined) {
    throw new OciError('CREDENTIALS', `--creds takes no value in ocilab; ${CREDS_ON_COMMAND_LINE.slice(CREDS_ON_COMMAND_LINE.indexOf('Use'))}`);
  }
  let explicit: Credentials | undefined;
  if (flags.credsFile) {
    let text: string;
    try {
      text = await readFile(flags.credsFile, 'utf8');
    } catch (err) {
      throw new OciError('CREDENTIALS', `--creds-file ${flags.credsFile}: ${(err as Error).message}`);
    }
    explicit = parseUserPassword(text, `--creds-file ${flags.credsFile}`);
  } else if (flags.credsStdin) {
    explicit = parseUserPassword(await readAll(ctx.stdin ?? process.stdin), '--creds-stdin');
  } else if (env.OCILAB_REGISTRY_USERNAME && env.OCILAB_REGISTRY_PASSWORD) {
    explicit = { username: env.OCILAB_REGISTRY_USERNAME, password: env.OCILAB_REGISTRY_PASSWORD };
  }
  if (explicit) {
    const creds = explicit;
    return () => creds;
  }
  return (registry) => dockerConfigCredentials(registry, ctx.dockerConfigDir, env);
}
