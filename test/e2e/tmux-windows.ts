/**
 * A private tmux server (own socket) with several windows of one size, for tests that
 * drive two programs side by side: `ocilab run` in one window, `ocilab notes` in another.
 * Waits poll the window's screen; nothing sleeps a fixed time.
 */
import { execFileSync } from 'node:child_process';
import { settledCapture } from './settled.js';

export class TmuxWindows {
  private readonly socket = `ocilab-e2e-w-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly session = 'ocilab';
  private started = false;

  constructor(
    private readonly tmux: string,
    private readonly size: { columns: number; rows: number },
    private readonly cwd: string,
  ) {}

  private run(args: string[]): string {
    return execFileSync(this.tmux, ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Open a window named `name` running `command` (a shell line). */
  open(name: string, command: string): void {
    const { columns, rows } = this.size;
    if (!this.started) {
      this.run(['-f', '/dev/null', 'new-session', '-d', '-s', this.session, '-n', name, '-x', String(columns), '-y', String(rows), '-c', this.cwd, command]);
      // Every window keeps the session's size, whichever is current.
      this.run(['set-option', '-t', this.session, 'window-size', 'manual']);
      this.started = true;
    } else {
      this.run(['new-window', '-d', '-t', this.session, '-n', name, '-c', this.cwd, command]);
      this.run(['resize-window', '-t', `${this.session}:${name}`, '-x', String(columns), '-y', String(rows)]);
    }
  }

  keys(name: string, ...keys: string[]): void {
    for (const key of keys) this.run(['send-keys', '-t', `${this.session}:${name}`, key]);
  }

  /** The visible screen, a whole frame (see ./settled.ts). */
  screen(name: string, escapes = false): string {
    return settledCapture(() => this.run(['capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', `${this.session}:${name}`]));
  }

  /** The screen with wrapped lines joined (-J): a row that wrapped shows up as fewer lines. */
  joined(name: string): string {
    return settledCapture(() => this.run(['capture-pane', '-p', '-J', '-t', `${this.session}:${name}`]));
  }

  async waitFor(name: string, pattern: RegExp | ((screen: string) => boolean), what: string, timeoutMs = 30_000): Promise<string> {
    const test = typeof pattern === 'function' ? pattern : (s: string) => pattern.test(s);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen(name);
      if (test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what} in window ${name}; screen:\n${screen}`);
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
