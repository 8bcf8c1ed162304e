/**
 * CPU time (and, where possible, peak RSS) of a whole child process tree.
 *
 * Node reports neither a child's rusage nor its descendants'. The kernel does, through
 * wait4/getrusage(RUSAGE_CHILDREN): once a process has reaped its children, their user+sys
 * time (and that of every descendant they reaped in turn) is added to its "children"
 * account. So we run the command under a tiny parent that waits for it and then prints
 * its RUSAGE_CHILDREN on fd 3:
 *  - `python3` (preferred when present): resource.getrusage gives user, sys and max RSS
 *    with microsecond resolution, and it times the child's wall clock itself, so the
 *    wrapper's own start-up is not counted.
 *  - `bash` `times` builtin (fallback; bash is on every Linux and macOS): user+sys of the
 *    waited-for children with millisecond resolution; peak RSS is then "n/a".
 * `git http-backend` waits for upload-pack, which waits for pack-objects, so the figure
 * covers the whole tree the request spawned. The wrapper's own CPU is excluded.
 */
import { spawn, execFileSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { trackChild } from '../process/spawn.js';

export type UsageMethod = 'python-rusage' | 'bash-times';

export interface ProcessUsage {
  method: UsageMethod;
  /** Wall time of the command; measured by the wrapper (python) or around it (bash). */
  wallMs: number;
  userMs: number;
  sysMs: number;
  /** Largest RSS of any process in the tree, bytes; undefined where the method can't tell. */
  maxRssBytes?: number;
}

export interface UsageRun {
  child: ChildProcess;
  /** Resolves when the command exits; usage is undefined if the wrapper died before printing. */
  done: Promise<{ code: number | null; usage?: ProcessUsage }>;
}

const PY = [
  'import os,sys,time,resource,subprocess',
  't=time.monotonic()',
  'try:\n r=subprocess.call(sys.argv[1:])\nexcept OSError:\n r=127',
  'w=time.monotonic()-t',
  'u=resource.getrusage(resource.RUSAGE_CHILDREN)',
  "os.write(3,('%.3f %.3f %.3f %d\\n'%(w*1000,u.ru_utime*1000,u.ru_stime*1000,u.ru_maxrss)).encode())",
  'sys.exit(r if r>=0 else 128-r)',
].join('\n');

const BASH = '"$@" 3>&-; s=$?; times >&3; exit $s';

let python: boolean | undefined;

/** Whether python3 with the resource module can be used (checked once). */
export function hasPythonRusage(): boolean {
  if (python === undefined) {
    try {
      execFileSync('python3', ['-c', 'import resource'], { stdio: 'ignore', timeout: 10_000 });
      python = true;
    } catch {
      python = false;
    }
  }
  return python;
}

/**
 * Spawn `cmd args` under a usage wrapper. `want: 'cpu'` always uses bash (cheapest,
 * for per-request server accounting); `'cpu+rss'` uses python3 when available.
 * The wrapper leads its own process group so an abort kills the whole tree.
 */
export function spawnWithUsage(
  cmd: string,
  args: string[],
  opts: SpawnOptions & { want?: 'cpu' | 'cpu+rss'; signal?: AbortSignal },
): UsageRun {
  const method: UsageMethod = opts.want === 'cpu+rss' && hasPythonRusage() ? 'python-rusage' : 'bash-times';
  const [bin, wrapperArgs] =
    method === 'python-rusage' ? ['python3', ['-c', PY, cmd, ...args]] : ['bash', ['--norc', '--noprofile', '-c', BASH, 'ocilab-usage', cmd, ...args]];
  const { signal, want: _want, ...spawnOpts } = opts;
  const stdio = (spawnOpts.stdio as unknown[] | undefined) ?? ['pipe', 'pipe', 'pipe'];
  const started = performance.now();
  const child = spawn(bin, wrapperArgs, { ...spawnOpts, detached: true, stdio: [...stdio.slice(0, 3), 'pipe'] as SpawnOptions['stdio'] });
  trackChild(child, { group: true });
  const kill = () => killTree(child);
  signal?.addEventListener('abort', kill, { once: true });
  const report: Buffer[] = [];
  (child.stdio[3] as NodeJS.ReadableStream | null)?.on('data', (d: Buffer) => report.push(d));
  const done = new Promise<{ code: number | null; usage?: ProcessUsage }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      signal?.removeEventListener('abort', kill);
      const wall = performance.now() - started;
      const text = Buffer.concat(report).toString('utf8');
      resolve({ code, usage: method === 'python-rusage' ? parsePython(text) : parseBashTimes(text, wall) });
    });
  });
  return { child, done };
}

export function killTree(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function parsePython(text: string): ProcessUsage | undefined {
  const m = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(text.trim());
  if (!m) return undefined;
  const rss = Number(m[4]);
  return {
    method: 'python-rusage',
    wallMs: Number(m[1]),
    userMs: Number(m[2]),
    sysMs: Number(m[3]),
    maxRssBytes: process.platform === 'darwin' ? rss : rss * 1024,
  };
}

/** bash `times`: line 1 is the shell, line 2 its children, e.g. "0m0.012s 0m0.004s". */
export function parseBashTimes(text: string, wallMs: number): ProcessUsage | undefined {
  const line = text.trim().split('\n')[1];
  const m = line && /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(line.trim());
  if (!m) return undefined;
  const ms = (min: string, sec: string) => (Number(min) * 60 + Number(sec)) * 1000;
  return { method: 'bash-times', wallMs, userMs: ms(m[1]!, m[2]!), sysMs: ms(m[3]!, m[4]!) };
}
