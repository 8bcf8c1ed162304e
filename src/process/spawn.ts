/**
 * spawnTracked: a child process in its own process group, registered with the cleanup
 * registry, killed (the whole tree: SIGTERM to the group, SIGKILL after a grace period)
 * when its AbortSignal fires or the registry unwinds. Every area spawns through this.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { appCleanup, type CleanupRegistry } from './cleanup.js';
import { childEnv } from './node-env.js';
import { killProcessTree } from './process-tree.js';

export interface SpawnTrackedOptions {
  cleanup: CleanupRegistry;
  /** Aborting kills the process group. */
  signal?: AbortSignal;
  cwd?: string;
  /** Added to process.env (values replace; undefined removes). */
  env?: Record<string, string | undefined>;
  /** Called per output line (without the newline); lines are read from pipes, not a TTY. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Default ['ignore', 'pipe', 'pipe']. Pass 'pipe' for stdin to write to it. */
  stdio?: StdioOptions;
  /** Label in cleanup listings; defaults to the command. */
  label?: string;
  /** Wait this long after SIGTERM before SIGKILL (default 2000 ms). */
  graceMs?: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TrackedProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves when the process has exited and its output streams are drained. */
  exited: Promise<ProcessExit>;
  /** Kill the process group (TERM, then KILL after the grace period); resolves on exit. */
  kill(): Promise<ProcessExit>;
}

/** State, parent and group of a process from /proc (Linux), or undefined when unavailable. */
function procStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

const hasProc = existsSync('/proc/self/stat');

/**
 * True while a process (or, for a negative id, any process of that group) is running.
 * A zombie counts as gone: it has exited and only waits for a parent (or a lazy init) to reap it.
 */
export function isAlive(pid: number): boolean {
  if (hasProc) {
    if (pid > 0) {
      const st = procStat(pid);
      return st !== undefined && st.state !== 'Z' && st.state !== 'X';
    }
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const st = procStat(Number(entry));
      if (st && st.pgrp === -pid && st.state !== 'Z' && st.state !== 'X') return true;
    }
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // ESRCH: the group is already gone.
  }
}

export function spawnTracked(command: string, args: readonly string[], opts: SpawnTrackedOptions): TrackedProcess {
  if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error('aborted');
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: childEnv(opts.env),
    stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so the whole tree can be signalled at once
  });
  const graceMs = opts.graceMs ?? 2000;
  let exitInfo: ProcessExit | undefined;

  const drains: Promise<void>[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    const readable = child[stream];
    if (!readable) continue;
    const rl = createInterface({ input: readable, crlfDelay: Infinity });
    if (opts.onLine) rl.on('line', (line) => opts.onLine!(line, stream));
    drains.push(new Promise((resolve) => rl.once('close', () => resolve())));
  }

  const exited = new Promise<ProcessExit>((resolve, reject) => {
    child.once('error', (err) => {
      exitInfo = { code: 127, signal: null };
      reject(new Error(`cannot start ${command}: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      // A grandchild holding the pipes open must not keep us waiting forever.
      const drainCap = new Promise<void>((r) => setTimeout(r, 500).unref());
      void Promise.race([Promise.all(drains), drainCap]).then(() => resolve(exitInfo!));
    });
  });
  exited.catch(() => undefined);

  const pid = child.pid;
  if (pid === undefined) {
    return { child, pid: -1, exited, kill: () => exited.catch(() => ({ code: 127, signal: null })) };
  }

  let killing: Promise<ProcessExit> | undefined;
  const kill = (): Promise<ProcessExit> => {
    killing ??= (async () => {
      // The leader may have exited while its group lives on (a backgrounded grandchild).
      signalGroup(pid, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      while (Date.now() < deadline && (exitInfo === undefined || isAlive(-pid))) {
        await new Promise((r) => setTimeout(r, 50));
      }
      if (exitInfo === undefined || isAlive(-pid)) signalGroup(pid, 'SIGKILL');
      return exited.catch(() => ({ code: null, signal: 'SIGKILL' as NodeJS.Signals }));
    })();
    return killing;
  };

  const cleanupFn = async () => {
    await kill();
  };
  const unregister = opts.cleanup.add(opts.label ?? `process ${command} (pid ${pid})`, cleanupFn, () =>
    signalGroup(pid, 'SIGKILL'),
  );
  void unregister; // kept for symmetry; the registry entry is dropped when the group is gone

  const onAbort = () => void kill();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  void exited
    .catch(() => undefined)
    .then(() => {
      opts.signal?.removeEventListener('abort', onAbort);
      // Forget the entry only when nothing of the group survives the leader.
      if (!isAlive(-pid)) opts.cleanup.forget(cleanupFn);
    });

  return { child, pid, exited, kill };
}

/**
 * Register a child started with plain `spawn` (where spawnTracked does not fit: a usage
 * wrapper, a process that must stay in our session for fair timings) so the unwinding kills
 * it and waits for it (reaped) before anything registered earlier (its temp dir) is removed.
 * `group`: the child leads its own process group (spawned detached); else its tree is found
 * from /proc. The registration goes away when the child closes.
 */
export function trackChild(child: ChildProcess, opts: { label?: string; group?: boolean; cleanup?: CleanupRegistry } = {}): void {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const registry = opts.cleanup ?? appCleanup;
  const killNow = () => {
    if (opts.group) signalGroup(pid, 'SIGKILL');
    else killProcessTree(pid);
  };
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  const cleanupFn = async () => {
    killNow();
    // 'close' comes once the process is reaped and its pipes are drained.
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
  };
  registry.add(opts.label ?? `process ${child.spawnfile} (pid ${pid})`, cleanupFn, killNow);
  void closed.then(() => registry.forget(cleanupFn));
}
