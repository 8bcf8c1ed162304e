/**
 * ink-testing-library's render fixes stdout at 100 columns and no rows; the UI lays out
 * from both, so this helper renders with a chosen terminal size (gemini-cli style width
 * override) and a fake TTY stdin. Frames are what the user would see, without colour.
 */
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render as inkRender, type Instance } from 'ink';
import type { ReactElement } from 'react';

export class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  readonly frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    this.emit('frame');
    return true;
  };
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeStdin extends EventEmitter {
  isTTY: boolean;
  private data: string | null = null;
  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }
  write = (data: string): void => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = (): string | null => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export interface Rendered {
  instance: Instance;
  stdout: FakeStdout;
  stdin: FakeStdin;
  /** The last frame, ANSI stripped, trailing spaces trimmed per line. */
  frame: () => string;
  /** The live area only: the last rows-1 lines (debug frames start with the <Static> output). */
  live: () => string[];
  /** Every frame written so far, ANSI stripped. */
  frames: () => string[];
  /** Type keys, then let React and Ink settle. */
  press: (...keys: string[]) => Promise<void>;
}

export const KEY = {
  right: '\u001B[C',
  left: '\u001B[D',
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  ctrlC: '\u0003',
  ctrlL: '\u000C',
};

export const settle = (ms = 30): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the last frame shows what a test expects (a string it contains, a pattern it
 * matches, or a test on it), checked at every frame Ink writes; after `timeoutMs` it fails
 * with the last frame. Resolves with that frame.
 */
export function frameShows(r: Pick<Rendered, 'stdout' | 'frame'>, expected: string | RegExp | ((frame: string) => boolean), timeoutMs = 20_000): Promise<string> {
  const test = typeof expected === 'function' ? expected : typeof expected === 'string' ? (f: string) => f.includes(expected) : (f: string) => expected.test(f);
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const f = r.frame();
      if (!test(f)) return false;
      clearTimeout(timer);
      r.stdout.off('frame', check);
      resolve(f);
      return true;
    };
    const timer = setTimeout(() => {
      r.stdout.off('frame', check);
      reject(new Error(`no frame showed ${String(expected)} within ${timeoutMs} ms; last frame:\n${r.frame()}`));
    }, timeoutMs);
    if (!check()) r.stdout.on('frame', check);
  });
}

const clean = (frame: string): string =>
  stripVTControlCharacters(frame)
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');

export function renderAt(tree: ReactElement, size: { columns: number; rows: number; tty?: boolean }): Rendered {
  const stdout = new FakeStdout(size.columns, size.rows);
  const stdin = new FakeStdin(size.tty ?? true);
  const instance = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new FakeStdout(size.columns, size.rows) as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    instance,
    stdout,
    stdin,
    frame: () => clean(stdout.frames.at(-1) ?? ''),
    frames: () => stdout.frames.map(clean),
    live: () => clean(stdout.frames.at(-1) ?? '').split('\n').slice(-(size.rows - 1)),
    press: async (...keys: string[]) => {
      for (const key of keys) {
        stdin.write(key);
        await settle(15);
      }
      await settle();
    },
  };
}
