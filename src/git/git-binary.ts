/**
 * Finding and running the real `git`. Everything in src/git/ goes through here so a
 * missing or broken git gives one clear message saying how to install it.
 */
import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { trackChild } from '../process/spawn.js';

const execFileP = promisify(execFile);

export interface GitInstall {
  /** Command used to run git (`git` on PATH, or OCILAB_GIT). */
  bin: string;
  /** e.g. "2.39.5". */
  version: string;
  /** `git --exec-path`, where http-backend lives. */
  execPath: string;
}

export class GitNotFoundError extends Error {
  constructor(detail: string) {
    super(
      `git is not installed or not runnable (${detail}). Install it: ` +
        'Debian/Ubuntu `sudo apt-get install git`, Fedora `sudo dnf install git`, ' +
        'macOS `xcode-select --install` or `brew install git`, Windows https://git-scm.com/download/win. ' +
        'ocilab needs git ≥ 2.31 (protocol v2, sparse-checkout, --initial-branch, GIT_CONFIG_COUNT).',
    );
    this.name = 'GitNotFoundError';
  }
}

export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    const tail = stderr.trim().split('\n').slice(-4).join(' | ');
    super(`git ${args.filter((a) => !a.startsWith('http.extraHeader')).join(' ')} failed (exit ${code}): ${tail || 'no output'}`);
    this.name = 'GitCommandError';
  }
}

/** git 2.31 added GIT_CONFIG_COUNT, which the server uses to configure http-backend. */
const MIN_GIT_MINOR = 31;

let cached: Promise<GitInstall> | undefined;

/** Locate git once per process; throws GitNotFoundError with install hints. */
export function findGit(bin = process.env.OCILAB_GIT ?? 'git'): Promise<GitInstall> {
  if (bin !== (process.env.OCILAB_GIT ?? 'git')) return probe(bin);
  cached ??= probe(bin).catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

async function probe(bin: string): Promise<GitInstall> {
  try {
    const { stdout: v } = await execFileP(bin, ['--version']);
    const { stdout: exec } = await execFileP(bin, ['--exec-path']);
    const version = /(\d+\.\d+(?:\.\d+)?)/.exec(v)?.[1] ?? v.trim();
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major < 2 || (major === 2 && minor < MIN_GIT_MINOR)) {
      throw new GitNotFoundError(`found git ${version} at "${bin}", which is too old`);
    }
    return { bin, version, execPath: exec.trim() };
  } catch (err) {
    if (err instanceof GitNotFoundError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new GitNotFoundError(e.code === 'ENOENT' ? `"${bin}" not found on PATH` : e.message);
  }
}

/** Path of git-http-backend, or a clear error (some minimal git packages omit it). */
export function httpBackendPath(git: GitInstall): string {
  const p = join(git.execPath, 'git-http-backend');
  if (!existsSync(p)) {
    throw new GitNotFoundError(`git-http-backend missing in ${git.execPath}; install the full git package`);
  }
  return p;
}

export interface RunGitOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  signal?: AbortSignal;
}

export interface RunGitResult {
  stdout: string;
  stderr: string;
}

/** Identity-free, config-free environment so user config never changes results. */
export function isolatedGitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    ...extra,
  };
}

/** Run git to completion; rejects with GitCommandError carrying stderr. */
export async function runGit(args: string[], opts: RunGitOptions = {}): Promise<RunGitResult> {
  const git = await findGit();
  return new Promise((resolve, reject) => {
    const child = spawn(git.bin, args, {
      cwd: opts.cwd,
      env: opts.env ?? isolatedGitEnv(),
      signal: opts.signal,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    trackChild(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(e));
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout, stderr });
      else reject(new GitCommandError(args, code, stderr));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input);
  });
}
