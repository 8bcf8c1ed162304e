/**
 * The loading frame written before Ink (src/ui/early-frame.ts): close() erases exactly its
 * lines. Checked on a recorded stream, and in a real terminal (tmux) where a long scenario
 * path in a narrow window must leave nothing behind and touch nothing above the frame; and
 * the built CLI's `run` with it: Ctrl-C while loading exits 130, an error replaces the frame.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { writeEarlyFrame } from '../../src/ui/early-frame.js';
import { builtCli, ensureBuilt, repoRoot } from '../helpers/built-cli.js';
import { peer } from '../helpers/peers.js';

test('one write of the lines; close() goes up that many lines and erases down, once', () => {
  const writes: string[] = [];
  const frame = writeEarlyFrame({ write: (t: string) => (writes.push(t), true) } as never, ['hello', 'loading…']);
  expect(writes).toEqual(['hello\nloading…\n']);
  frame.close();
  frame.close();
  expect(writes).toEqual(['hello\nloading…\n', '\r\x1b[2A\x1b[J']);
});

const tmux = peer('tmux', 'scripts/ci/install-ui.sh');

describe.skipIf(!tmux)('in a terminal', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  test('a frame cut to a narrow window is erased whole; the line above stays, the next text takes its place', () => {
    const mod = (f: string) => JSON.stringify(pathToFileURL(join(repoRoot, 'dist/ui', f)).href);
    const script = `
const { loadingLines } = await import(${mod('loading-text.js')});
const { writeEarlyFrame } = await import(${mod('early-frame.js')});
process.stdout.write('above\\n');
const frame = writeEarlyFrame(process.stdout, loadingLines('./scenarios/a-very-long-scenario-file-name.yaml', { color: true, columns: process.stdout.columns }));
frame.close();
process.stdout.write('after\\n');
`;
    const dir = mkdtempSync(join(tmpdir(), 'ocilab-early-frame-'));
    const file = join(dir, 'frame.mjs');
    writeFileSync(file, script);
    const socket = `ocilab-early-frame-${process.pid}`;
    const run = (args: string[]) => execFileSync(tmux!, ['-L', socket, ...args], { encoding: 'utf8' });
    try {
      run(['-f', '/dev/null', 'new-session', '-d', '-s', 't', '-x', '24', '-y', '10', `${JSON.stringify(process.execPath)} ${JSON.stringify(file)}; echo DONE; sleep 20`]);
      let screen = '';
      for (let i = 0; i < 100 && !screen.includes('DONE'); i++) {
        execFileSync('sleep', ['0.05']);
        screen = run(['capture-pane', '-p', '-t', 't']);
      }
      expect(screen.split('\n').filter((l) => l.trim() !== '')).toEqual(['above', 'after', 'DONE']);
    } finally {
      try {
        run(['kill-server']);
      } catch {
        // gone already
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  /** Runs `ocilab <args>` in a 100x30 tmux pane (CI removed: interactive) while `act` reads the screen and sends keys. */
  async function inPane(args: string, act: (screen: () => string, keys: (k: string) => void) => Promise<void>): Promise<void> {
    const socket = `ocilab-early-cli-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const run = (a: string[]) => execFileSync(tmux!, ['-L', socket, ...a], { encoding: 'utf8' });
    try {
      run(['-f', '/dev/null', 'new-session', '-d', '-s', 't', '-x', '100', '-y', '30', '-c', repoRoot,
        `env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 ${JSON.stringify(process.execPath)} ${JSON.stringify(builtCli)} ${args}; echo "EXIT=$?"; sleep 30`]);
      await act(() => run(['capture-pane', '-p', '-t', 't']), (k) => void run(['send-keys', '-t', 't', k]));
    } finally {
      try {
        run(['kill-server']);
      } catch {
        // gone already
      }
    }
  }
  async function until(screen: () => string, pattern: RegExp, what: string): Promise<string> {
    for (let i = 0; i < 600; i++) {
      const text = screen();
      if (pattern.test(text)) return text;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no ${what} on the screen:\n${screen()}`);
  }

  test('run: Ctrl-C as soon as the loading frame shows exits 130', async () => {
    await inPane('run hello', async (screen, keys) => {
      await until(screen, /loading the scenario, its actions and the target/, 'loading frame');
      keys('C-c');
      expect(await until(screen, /EXIT=\d+/, 'exit code')).toMatch(/EXIT=130/);
    });
  }, 60_000);

  test('run: an unknown scenario replaces the frame with the error, exit 2', async () => {
    await inPane('run no-such-scenario', async (screen) => {
      const text = await until(screen, /EXIT=\d+/, 'exit code');
      expect(text).toMatch(/EXIT=2/);
      expect(text).toMatch(/^ocilab: unknown scenario "no-such-scenario"/m);
      expect(text).not.toMatch(/loading the scenario/);
    });
  }, 60_000);
});
