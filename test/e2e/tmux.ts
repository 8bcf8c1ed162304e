/**
 * Drive a real terminal: a private tmux server (its own socket, so nothing touches the
 * user's sessions) running the built CLI at a fixed size; keys in, screen text out.
 */
import { execFileSync } from 'node:child_process';
import { builtCli } from '../helpers/built-cli.js';
import { settledCapture } from './settled.js';

/**
 * The shell line a tmux window runs: the BUILT CLI with `args`, CI removed from its
 * environment (under CI the CLI goes plain: Ink prints only the last frame and chalk drops
 * colour; CI=false is not enough), then its exit code as OCILAB_EXIT=<n>, then a pause so the
 * last screen stays readable until the test kills the tmux server. `env` values are quoted.
 */
export function ocilabShell(args: string, env: Record<string, string> = {}, holdSeconds = 120): string {
  const vars = Object.entries(env).map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`);
  return ['env -u CI -u CONTINUOUS_INTEGRATION', ...vars, `node ${builtCli} ${args}; echo "OCILAB_EXIT=$?"; sleep ${holdSeconds}`].join(' ');
}

export interface TmuxSize {
  columns: number;
  rows: number;
}

export class TmuxSession {
  private readonly socket = `ocilab-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly name = 'ocilab';

  constructor(private readonly tmux: string) {}

  private run(args: string[]): string {
    return execFileSync(this.tmux, ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Start `command` (a shell line) in a detached session of exactly this size. */
  start(command: string, size: TmuxSize, cwd: string): void {
    this.run(['-f', '/dev/null', 'new-session', '-d', '-s', this.name, '-x', String(size.columns), '-y', String(size.rows), '-c', cwd, command]);
  }

  /** tmux key names: 'Right', 'Space', 'C-c', 'q', 'Escape'. */
  keys(...keys: string[]): void {
    for (const key of keys) this.run(['send-keys', '-t', this.name, key]);
  }

  /** Several keys in one send-keys call: they reach the app as one burst, like fast typing. */
  burst(...keys: string[]): void {
    this.run(['send-keys', '-t', this.name, ...keys]);
  }

  /** The visible screen (a whole frame, see ./settled.ts); with escapes=true, including SGR colour sequences. */
  screen(escapes = false): string {
    return settledCapture(() => this.run(['capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.name]));
  }

  /** Screen plus scrollback, for what <Static> printed above the live area. */
  history(): string {
    return this.run(['capture-pane', '-p', '-S', '-200', '-t', this.name]);
  }

  async waitFor(pattern: RegExp, what: string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what} (${pattern}); screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  kill(): void {
    try {
      this.run(['kill-server']);
    } catch {
      // Already gone.
    }
  }
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PIDs whose command line contains `needle` (pgrep -f), excluding pgrep itself. */
export function pgrep(needle: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', needle], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
