/**
 * A private tmux server (own socket) with several windows of one size, for tests that
 * drive two programs side by side: `ocilab run` in one window, `ocilab notes` in another.
 * Waits poll the window's screen; nothing sleeps a fixed time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { repoRoot } from '../helpers/built-cli.js';
import { settledCapture } from './settled.js';
import { TmuxSession, type TmuxSize } from './tmux.js';

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

/** What one e2e test gets from its rig: a private dir, the environment that points ocilab at it. */
export interface RigRun {
  /** Private runtime and data dir (the notes socket, recordings); removed after the test. */
  dir: string;
  /** XDG_RUNTIME_DIR and XDG_DATA_HOME inside `dir`: talk and notes meet there, nothing touches the user's. */
  env: Record<string, string>;
}

/**
 * The per-test setup and teardown every tmux e2e shares: call once at module level; each
 * test then asks for windows (or a single session) of a size. After each test the tmux
 * server is killed and the private dir removed, pass or fail.
 */
export function tmuxRig(tmux: string | undefined, prefix: string) {
  let servers: { kill(): void }[] = [];
  let dirs: string[] = [];
  afterEach(() => {
    for (const s of servers) s.kill();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    servers = [];
    dirs = [];
  });
  const run = (): RigRun => {
    const dir = mkdtempSync(join(tmpdir(), `ocilab-${prefix}-e2e-`));
    dirs.push(dir);
    return { dir, env: { XDG_RUNTIME_DIR: dir, XDG_DATA_HOME: join(dir, 'data') } };
  };
  return {
    /** Several windows of one size (a talk and its notes, a recording and its replay). */
    windows(size: TmuxSize): RigRun & { w: TmuxWindows } {
      const w = new TmuxWindows(tmux!, size, repoRoot);
      servers.push(w);
      return { ...run(), w };
    },
    /** One window; the caller starts it (TmuxSession.start). */
    session(): RigRun & { t: TmuxSession } {
      const t = new TmuxSession(tmux!);
      servers.push(t);
      return { ...run(), t };
    },
  };
}
