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
import { readFile } from 'node:fs/promises';
import { makeTempDir } from '../process/cleanup.js';
import { trackChild } from '../process/spawn.js';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { killProcessTree } from '../process/process-tree.js';

export const GNU_TIME = '/usr/bin/time';
const BASH = '/bin/bash';
const OUTPUT_LIMIT = 64 * 1024;

// bash's timing line goes to fd 3 (a socket pair to Node); the command keeps the real stderr
// and does not inherit fd 3 or 4. /usr/bin/time needs a path (it cannot open a socket via
// /dev/fd), so its %M line goes to a scratch file.
const TIMED_SCRIPT = 'exec 4>&2; TIMEFORMAT="%3R %3U %3S"; { time "$@" 2>&4 3>&- 4>&-; } 2>&3';

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
  const m = /^(\d+\.\d+) (\d+\.\d+) (\d+\.\d+)$/m.exec(text);
  if (!m) return null;
  return { realMs: Number(m[1]) * 1000, userMs: Number(m[2]) * 1000, sysMs: Number(m[3]) * 1000 };
}

/** Parse GNU time's "%M" line (KiB), the last line; a "Command exited with non-zero status" line may come first. */
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
  const inner = support.cpu ? [BASH, '-c', TIMED_SCRIPT, 'bash', file, ...args] : [file, ...args];
  // /usr/bin/time's output goes to a file in a registered temp dir, removed once read.
  const rssDir = support.rss ? makeTempDir('ocilab-maxrss-') : undefined;
  const rssFile = rssDir ? join(rssDir.path, 'rss') : '';
  const argv = support.rss ? [GNU_TIME, '-f', '%M', '-o', rssFile, ...inner] : inner;
  const t0 = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    // not detached: a new session is a new scheduler autogroup and skews timings (process-tree.ts)
  });
  trackChild(child);
  let stdout = '';
  let stderr = '';
  let timing = '';
  child.stdout!.on('data', (b: Buffer) => (stdout = clip(stdout, b)));
  child.stderr!.on('data', (b: Buffer) => (stderr = clip(stderr, b)));
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (b: Buffer) => (timing = clip(timing, b)));
  const onAbort = () => {
    if (child.pid) killProcessTree(child.pid);
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const { code, sig } = await new Promise<{ code: number | null; sig: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, sig) => resolve({ code, sig }));
  }).finally(() => opts.signal?.removeEventListener('abort', onAbort));
  const wallMs = performance.now() - t0;
  if (opts.signal?.aborted) {
    await rssDir?.remove();
    throw new Error(`${file} aborted`);
  }
  const times = support.cpu ? parseBashTimes(timing) : null;
  let rss: number | null = null;
  if (support.rss) {
    rss = parseGnuTimeMaxRss(await readFile(rssFile, 'utf8').catch(() => ''));
    await rssDir?.remove();
  }
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
}

/** Throw a readable error when a measured child failed. */
export function assertChildOk(usage: ChildUsage, what: string): void {
  if (usage.exitCode === 0) return;
  const why = usage.signal ? `was killed by ${usage.signal}` : `exited with ${usage.exitCode}`;
  const tail = usage.stderr.trim().split('\n').slice(-5).join('\n');
  throw new Error(`${what} ${why}${tail ? `:\n${tail}` : ''}`);
}
