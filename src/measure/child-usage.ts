/**
 * Run a child process and measure what it cost the client: CPU (user + system) and peak
 * RSS of the whole process tree, not just the direct child.
 *
 * Node exposes resource usage only for its own process, so:
 * - CPU: bash's `time` keyword (TIMEFORMAT "%3R %3U %3S") reports getrusage(RUSAGE_CHILDREN)
 *   deltas for the command and every descendant it waited for, at millisecond resolution.
 *   (/usr/bin/time prints CPU with 10 ms resolution only, too coarse for 30 ms figures.)
 * - Peak RSS: /usr/bin/time -f %M (Debian package `time`) reports wait4's ru_maxrss: the
 *   largest RSS of any single process in the tree (not a sum). It wraps bash, so a command
 *   smaller than bash (~4 MiB) reports bash's RSS.
 * Without bash the CPU is n/a; without /usr/bin/time the peak RSS is n/a.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export const GNU_TIME = '/usr/bin/time';
const BASH = '/bin/bash';
const OUTPUT_LIMIT = 64 * 1024;

// $1 = file for the timing line; the rest is the command. The command's stderr stays on fd 2.
const TIMED_SCRIPT =
  'tf="$1"; shift; exec 4>&2; TIMEFORMAT="%3R %3U %3S"; { time "$@" 2>&4; } 2>"$tf"';

export interface ChildUsage {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Spawn to exit, as seen by Node (includes starting the wrappers). */
  wallMs: number;
  /** The command alone, timed by bash inside the wrapper; null without bash. */
  commandWallMs: number | null;
  userCpuMs: number | null;
  sysCpuMs: number | null;
  /** user + system; null without bash. */
  cpuMs: number | null;
  peakRssBytes: number | null;
  stdout: string;
  stderr: string;
  /** How CPU and RSS were taken (for report notes). */
  notes: string[];
}

export interface RunChildOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

function clip(buf: string, more: Buffer): string {
  if (buf.length >= OUTPUT_LIMIT) return buf;
  return (buf + more.toString('utf8')).slice(0, OUTPUT_LIMIT);
}

/** Parse bash's "%3R %3U %3S" line (seconds) into milliseconds. */
export function parseBashTimes(text: string): { realMs: number; userMs: number; sysMs: number } | null {
  const m = /(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s*$/.exec(text.trim());
  if (!m) return null;
  return { realMs: Number(m[1]) * 1000, userMs: Number(m[2]) * 1000, sysMs: Number(m[3]) * 1000 };
}

/** Parse GNU time's "%M" output (KiB; a "Command exited with non-zero status" line may come first). */
export function parseGnuTimeMaxRss(text: string): number | null {
  const lines = text.trim().split('\n');
  const last = lines[lines.length - 1]?.trim() ?? '';
  return /^\d+$/.test(last) ? Number(last) * 1024 : null;
}

export function childUsageSupport(): { cpu: boolean; rss: boolean } {
  return { cpu: existsSync(BASH), rss: existsSync(GNU_TIME) };
}

/** Run `file args` to completion, measuring its tree's CPU and peak RSS. Never throws on exit code. */
export async function runMeasuredChild(file: string, args: readonly string[], opts: RunChildOptions = {}): Promise<ChildUsage> {
  if (opts.signal?.aborted) throw new Error('aborted before start');
  const support = childUsageSupport();
  const scratch = await mkdtemp(join(tmpdir(), 'ocilab-usage-'));
  const timesFile = join(scratch, 'times');
  const rssFile = join(scratch, 'rss');
  const inner = support.cpu ? [BASH, '-c', TIMED_SCRIPT, 'bash', timesFile, file, ...args] : [file, ...args];
  const argv = support.rss ? [GNU_TIME, '-f', '%M', '-o', rssFile, ...inner] : inner;
  try {
    const t0 = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group, so an abort ends the whole tree
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout = clip(stdout, b)));
    child.stderr.on('data', (b: Buffer) => (stderr = clip(stderr, b)));
    const onAbort = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const { code, sig } = await new Promise<{ code: number | null; sig: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, sig) => resolve({ code, sig }));
    }).finally(() => opts.signal?.removeEventListener('abort', onAbort));
    const wallMs = performance.now() - t0;
    if (opts.signal?.aborted) throw new Error(`${file} aborted`);
    const times = support.cpu ? parseBashTimes(await readFile(timesFile, 'utf8').catch(() => '')) : null;
    const rss = support.rss ? parseGnuTimeMaxRss(await readFile(rssFile, 'utf8').catch(() => '')) : null;
    const notes: string[] = [
      times ? 'client CPU: getrusage(RUSAGE_CHILDREN) of the process tree via bash time' : 'client CPU: n/a (no /bin/bash)',
      rss !== null ? 'client peak RSS: wait4 ru_maxrss of the tree via /usr/bin/time %M' : 'client peak RSS: n/a (no /usr/bin/time)',
    ];
    return {
      exitCode: code,
      signal: sig,
      wallMs,
      commandWallMs: times?.realMs ?? null,
      userCpuMs: times?.userMs ?? null,
      sysCpuMs: times?.sysMs ?? null,
      cpuMs: times ? times.userMs + times.sysMs : null,
      peakRssBytes: rss,
      stdout,
      stderr,
      notes,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Throw a readable error when a measured child failed. */
export function assertChildOk(usage: ChildUsage, what: string): void {
  if (usage.exitCode === 0) return;
  const why = usage.signal ? `was killed by ${usage.signal}` : `exited with ${usage.exitCode}`;
  const tail = usage.stderr.trim().split('\n').slice(-5).join('\n');
  throw new Error(`${what} ${why}${tail ? `:\n${tail}` : ''}`);
}
