/**
 * The git-vs-oci talk rehearsed in tmux at 80x24, 100x30 and 200x50 (the last with the
 * projector theme): every step run with keys, and after each step and in every overlay
 * (help, goto, log, bars, wire) the live area stays bounded: exactly rows - 1 tall (the
 * header on the first row, the key bar on the one before last, the last row empty), no row
 * wider than the terminal and no row wrapped; the projector frame stays centred within
 * 100 columns. Skips without tmux on a laptop; fails under CI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { frameBox } from '../../src/ui/layout.js';
import { builtCli, ensureBuilt, repoRoot } from '../helpers/built-cli.js';
import { peer } from '../helpers/peers.js';
import { TmuxWindows } from './tmux-windows.js';

const tmux = peer('tmux', 'scripts/ci/install-ui.sh');
const TITLE = 'Git vs OCI — the same manifests, two ways';
const STEPS = 12;

let windows: TmuxWindows | undefined;
let dir: string | undefined;
afterEach(() => {
  windows?.kill();
  windows = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

interface Size {
  columns: number;
  rows: number;
  theme: 'default' | 'projector';
}

/** The live area's invariants on one captured screen; `what` names the moment in failures. */
function expectBounded(w: TmuxWindows, size: Size, what: string): void {
  const screen = w.screen('talk');
  const rows = screen.replace(/\n$/, '').split('\n');
  const context = `${what} at ${size.columns}x${size.rows}:\n${screen}`;
  expect(rows, context).toHaveLength(size.rows);
  // Nothing wrapped: joining wrapped lines (-J) gives the same rows.
  expect(w.joined('talk').replace(/\n$/, '').split('\n'), context).toHaveLength(size.rows);
  for (const row of rows) expect(stringWidth(row), context).toBeLessThanOrEqual(size.columns);
  // Exactly rows - 1 tall: header first, key bar before last, last row empty.
  expect(rows[size.rows - 1], context).toBe('');
  expect(rows[0]!.trimStart().startsWith(TITLE.slice(0, Math.min(TITLE.length, 30))), context).toBe(true);
  expect(rows[size.rows - 2], context).toMatch(/→ next {2}← back .* q quit$/);
  if (size.theme === 'projector') {
    const box = frameBox(size.columns, size.rows, true);
    for (const row of rows) {
      if (row.trim() === '') continue;
      expect(row.slice(0, box.left).trim(), context).toBe('');
      expect(stringWidth(row), context).toBeLessThanOrEqual(box.left + box.width);
    }
  }
}

describe.skipIf(!tmux)('the git-vs-oci talk rehearsed in tmux: the layout stays bounded', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  test.each<Size>([
    { columns: 80, rows: 24, theme: 'default' },
    { columns: 100, rows: 30, theme: 'default' },
    { columns: 200, rows: 50, theme: 'projector' },
  ])('$columns x $rows, theme $theme: every step and overlay', { timeout: 300_000 }, async (size) => {
    dir = mkdtempSync(join(tmpdir(), 'ocilab-rehearse-e2e-'));
    const env = `XDG_RUNTIME_DIR=${dir} XDG_DATA_HOME=${dir}/data`;
    const w = (windows = new TmuxWindows(tmux!, size, repoRoot));
    w.open(
      'talk',
      `env -u CI -u CONTINUOUS_INTEGRATION ${env} node ${builtCli} run git-vs-oci --mode present --theme ${size.theme} --type-speed 5 --param preset=tiny; echo "OCILAB_EXIT=$?"; sleep 120`,
    );
    await w.waitFor('talk', new RegExp(`→ runs 1/${STEPS}`), 'the talk, ready', 60_000);
    expectBounded(w, size, 'ready');
    for (let n = 1; n <= STEPS; n++) {
      w.keys('talk', 'Right');
      const after = n < STEPS ? `→ goes to ${n + 1}/${STEPS}` : '→ finishes';
      const screen = await w.waitFor('talk', (s) => s.includes(after) || s.includes(`✗ ${n}/${STEPS} failed`), `step ${n} done`, 120_000);
      expect(screen, `step ${n} failed:\n${screen}`).toContain(after);
      expectBounded(w, size, `after step ${n}`);
      if (n < STEPS) {
        w.keys('talk', 'Space');
        await w.waitFor('talk', new RegExp(`→ runs ${n + 1}/${STEPS}`), `step ${n + 1} focused`);
        expectBounded(w, size, `step ${n + 1} focused`);
      }
    }
    w.keys('talk', 'Right');
    await w.waitFor('talk', /✓ run passed · q quits/, 'the run passed');
    expectBounded(w, size, 'the run passed');
    // Every overlay, with the whole talk's output and measurements behind it. Each is closed
    // with its own key (Esc followed quickly by another key reads as Alt-key in a terminal).
    const main = /── 12 The Git server comes back ─/;
    for (const [key, marker] of [
      ['?', /Keys \(present mode\)/],
      ['g', /Go to step/],
      ['l', /── full log/],
      ['b', /── measurements · 3 runs each ─/],
      ['w', /── on the wire · from the servers' request logs/],
    ] as const) {
      w.keys('talk', key);
      await w.waitFor('talk', marker, `the ${key} overlay`);
      expectBounded(w, size, `the ${key} overlay`);
      w.keys('talk', key);
      await w.waitFor('talk', (screen) => !marker.test(screen) && main.test(screen), `the ${key} overlay closed`);
      expectBounded(w, size, `after the ${key} overlay`);
    }
    w.keys('talk', 'q');
    expect(await w.waitFor('talk', /OCILAB_EXIT=\d+/, 'the exit code')).toContain('OCILAB_EXIT=0');
  });
});
