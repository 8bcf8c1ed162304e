/**
 * The loading frame written before Ink (src/ui/early-frame.ts): close() erases exactly its
 * lines. Checked on a recorded stream, and in a real terminal (tmux) where a long scenario
 * path in a narrow window must leave nothing behind and touch nothing above the frame.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { writeEarlyFrame } from '../../src/ui/early-frame.js';
import { ensureBuilt, repoRoot } from '../helpers/built-cli.js';
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
});
