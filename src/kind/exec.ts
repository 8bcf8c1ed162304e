/**
 * Spawning the kind, docker and podman CLIs: argument arrays (never a shell), an
 * AbortSignal, a timeout, stdin text, and captured output. A non-zero exit is a result,
 * not an exception; callers decide what it means (see errors.ts).
 */
import { spawn } from 'node:child_process';

export interface RunOptions {
  signal?: AbortSignal;
  /** Kill the process (SIGTERM, then SIGKILL after 2 s) when it runs longer. */
  timeoutMs?: number;
  /** Text written to stdin, then stdin is closed. */
  input?: string;
  /** Extra environment, merged over process.env. */
  env?: Record<string, string | undefined>;
}

export interface CommandResult {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** The tool itself is not installed (spawn ENOENT). */
export class ToolMissingError extends Error {
  constructor(readonly tool: string) {
    super(`${tool} is not installed or not on PATH`);
    this.name = 'ToolMissingError';
  }
}

export class CommandTimeoutError extends Error {
  constructor(readonly argv: string[], readonly timeoutMs: number) {
    super(`${argv.join(' ')} did not finish within ${Math.round(timeoutMs / 1000)}s and was stopped`);
    this.name = 'CommandTimeoutError';
  }
}

export class CommandAbortedError extends Error {
  constructor(readonly argv: string[]) {
    super(`${argv.join(' ')} was cancelled`);
    this.name = 'AbortError';
  }
}

/** Signature shared by the real spawner and anything that wants to stand in for it. */
export type CommandRunner = (argv: string[], options?: RunOptions) => Promise<CommandResult>;

const KILL_GRACE_MS = 2000;

export const runCommand: CommandRunner = (argv, options = {}) => {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('runCommand: empty argv'));
  if (options.signal?.aborted) return Promise.reject(new CommandAbortedError(argv));
  const started = performance.now();
  return new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(file, args, {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stopped: Error | undefined;
    let killTimer: NodeJS.Timeout | undefined;

    const stop = (why: Error) => {
      if (stopped) return;
      stopped = why;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    const onAbort = () => stop(new CommandAbortedError(argv));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      options.timeoutMs !== undefined
        ? setTimeout(() => stop(new CommandTimeoutError(argv, options.timeoutMs!)), options.timeoutMs)
        : undefined;

    const finish = () => {
      options.signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
    };

    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.stdin.on('error', () => {}); // the tool may exit before reading stdin
    child.on('error', (err: NodeJS.ErrnoException) => {
      finish();
      reject(err.code === 'ENOENT' ? new ToolMissingError(file) : err);
    });
    child.on('close', (code, signal) => {
      finish();
      if (stopped) return reject(stopped);
      resolve({
        argv,
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        durationMs: performance.now() - started,
      });
    });
    child.stdin.end(options.input ?? '');
  });
};
