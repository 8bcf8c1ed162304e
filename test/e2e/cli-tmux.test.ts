/**
 * End to end: the BUILT CLI (node dist/cli.js) in a real terminal (tmux). Runs the shipped
 * hello scenario with keys, checks each step passes and that quitting leaves no process;
 * then Ctrl-C in the middle of a sleeping step; then the wide layout and NO_COLOR.
 * Skips with a reason without tmux on a laptop; fails under CI (scripts/ci/install-ui.sh).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { peer } from '../helpers/peers.js';
import { alive, ocilabShell, pgrep } from './tmux.js';
import { tmuxRig } from './tmux-windows.js';

const tmux = peer('tmux', 'scripts/ci/install-ui.sh');
const pgrepTool = peer('pgrep', 'scripts/ci/install-ui.sh (procps)');
const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');

/** The shell line tmux runs (./tmux.ts ocilabShell: CI removed, exit code printed). */
const ocilab = ocilabShell;

/** SGR sequences that set a foreground or background colour (bold, inverse and resets are not colour). */
const colourCodes = (screen: string): string[] =>
  (screen.match(/\x1b\[[0-9;]*m/g) ?? []).filter((sgr) => /\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;|m)/.test(sgr));

const rig = tmuxRig(tmux, 'cli');

// Each test starts the CLI (seconds on a loaded 2-core machine) and waits on real processes.
const E2E_TIMEOUT_MS = 90_000;

describe.skipIf(!tmux || !pgrepTool)('ocilab in tmux', { timeout: E2E_TIMEOUT_MS }, () => {
  beforeAll(() => {
    if (!existsSync(cli)) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  }, 120_000);

  test('hello at 80x24: each step passes with keys, q quits with 0, the background server is gone', async () => {
    const { t } = rig.session();
    t.start(ocilab('run hello'), { columns: 80, rows: 24 }, root);
    let screen = await t.waitFor(/→ runs 1\/3/, 'the first step, ready');
    expect(screen).toMatch(/^Hello, ocilab +⏱ 00:\d\d \/ 02:00$/m);
    expect(screen).toMatch(/^step 1\/3 · target local · mode present/m);
    expect(screen).toMatch(/^›· +1 Say hello$/m);
    expect(screen).toMatch(/^→ next {2}← back {2}r retry {2}s skip {2}g goto {2}l log {2}\? help {2}q quit$/m);
    // The live area is one row shorter than the terminal: the last row stays empty.
    expect(screen.split('\n')[23]).toBe('');

    t.keys('Right');
    screen = await t.waitFor(/✓ +1 Say hello/, 'step 1 passed');
    await t.waitFor(/hello from ocilab/, 'step 1 output');
    t.keys('Space');
    await t.waitFor(/→ runs 2\/3/, 'step 2 focused');
    t.keys('n');
    await t.waitFor(/✓ +2 Write a file/, 'step 2 passed');
    await t.waitFor(/kind: Demo/, 'step 2 output');
    t.keys('n');
    await t.waitFor(/→ runs 3\/3/, 'step 3 focused');
    t.keys('n');
    screen = await t.waitFor(/✓ +3 Wait for a server/, 'step 3 passed');
    screen = await t.waitFor(/server is up/, 'step 3 output');
    const server = Number(/started in the background \(pid (\d+)\)/.exec(screen)?.[1]);
    expect(server).toBeGreaterThan(0);
    expect(alive(server)).toBe(true);

    // Back re-displays step 2 without running it again.
    t.keys('Left');
    screen = await t.waitFor(/viewing 2\/3/, 'step 2 re-displayed');
    expect(screen).toMatch(/^›✓ +2 Write a file/m);
    t.keys('n', 'n');
    await t.waitFor(/✓ run passed · q quits/, 'the run passed');
    t.keys('q');
    screen = await t.waitFor(/OCILAB_EXIT=\d+/, 'the exit code');
    expect(screen).toContain('OCILAB_EXIT=0');
    expect(screen).toContain('Hello, ocilab: passed · ✓✓✓ · 3 passed, 0 failed, 0 skipped, 0 not run');
    // <Static> printed each finished step once, above the live area; it stays after exit.
    const history = t.history();
    expect(history).toMatch(/✓ passed +1\/3 Say hello/);
    expect(history).toMatch(/✓ passed +3\/3 Wait for a server, then stop it/);
    expect(alive(server)).toBe(false);
  });

  test('Ctrl-C in the middle of a sleeping step: exit 130, no child left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocilab-e2e-'));
    const marker = `sleep 4${Math.floor(Math.random() * 899_999 + 100_000)}`;
    try {
      writeFileSync(
        join(dir, 'sleepy.yaml'),
        `id: sleepy
title: Sleepy
summary: One step that sleeps until interrupted.
targets: [local]
budget: 1m
steps:
  - id: nap
    title: Take a long nap
    run:
      - shell: echo napping; ${marker}
`,
      );
      const { t } = rig.session();
      t.start(ocilab(`run ${join(dir, 'sleepy.yaml')}`), { columns: 80, rows: 24 }, root);
      await t.waitFor(/→ runs 1\/1/, 'ready');
      t.keys('Right');
      await t.waitFor(/▶ running 1\/1[\s\S]*napping/, 'the step sleeping');
      await waitUntil(() => pgrep(marker).length > 0, 'the sleep process');
      expect(pgrep(marker)).toHaveLength(1);

      t.keys('C-c');
      const screen = await t.waitFor(/OCILAB_EXIT=\d+/, 'the exit code');
      expect(screen).toContain('OCILAB_EXIT=130');
      expect(screen).toContain('Sleepy: interrupted');
      await waitUntil(() => pgrep(marker).length === 0, 'no sleep left');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('hello at 120x40: side-by-side layout, colour marks, help overlay, goto typed in one burst', async () => {
    const { t } = rig.session();
    t.start(ocilab('run hello'), { columns: 120, rows: 40 }, root);
    let screen = await t.waitFor(/→ runs 1\/3/, 'ready');
    // Step list on the left, the step's narration on the right of the same row.
    expect(screen).toMatch(/^›· +1 Say hello +── 1 Say hello ─+$/m);
    t.keys('Right');
    // The shown command is interpolated (`$ echo "hello from ocilab"`), so wait for the pass mark.
    await t.waitFor(/^›✓ +1 Say hello/m, 'step 1 passed');
    screen = await t.waitFor(/(?<!echo ")hello from ocilab(?!")/, 'step 1 output');
    expect(screen).toMatch(/^›✓ +1 Say hello +(\d+ms|[\d.]+s) +── 1 Say hello ─+$/m);
    expect(screen).toMatch(/^ ·  2 Write a file in the run's work … Every step shows a command/m);
    expect(colourCodes(t.screen(true)).length).toBeGreaterThan(0);
    t.keys('?');
    screen = await t.waitFor(/Keys \(present mode\)/, 'the help');
    expect(screen).toMatch(/Marks {2}· pending {2}▶ running {2}✓ passed {2}✗ failed {2}↷ skipped/);
    // Esc and a key sent together read as Alt-key (the terminal cannot tell); let the help close first.
    t.keys('Escape');
    await t.waitFor(/── 1 Say hello ─/, 'the help closed');
    // g 3 Enter in one burst: step 2 is caught up by its solve, step 3 is focused.
    t.burst('g', '3', 'Enter');
    screen = await t.waitFor(/→ runs 3\/3/, 'step 3 focused after goto');
    expect(screen).toMatch(/^ ↷ +2 Write a file/m);
    t.keys('q');
    screen = await t.waitFor(/OCILAB_EXIT=\d+/, 'the exit code');
    // q with nothing running ends the run there: step 3 never ran, so it did not reach its end (1),
    // and the screen says stopped, not failed.
    expect(screen).toContain('OCILAB_EXIT=1');
    expect(screen).toContain('Hello, ocilab: stopped before step 3 · ✓↷· · 1 passed, 0 failed, 1 skipped, 1 not run');
  });

  test('NO_COLOR: same screen, no colour codes; marks still say the status', async () => {
    const { t } = rig.session();
    t.start(ocilab('run hello', { NO_COLOR: '1' }), { columns: 80, rows: 24 }, root);
    await t.waitFor(/→ runs 1\/3/, 'ready');
    t.keys('Right');
    await t.waitFor(/^›✓ +1 Say hello/m, 'step 1 passed');
    // The output (the pane is redrawn at most every 80 ms), not the shown `$ echo "hello from ocilab"`.
    const screen = await t.waitFor(/(?<!echo ")hello from ocilab(?!")/, 'step 1 output');
    expect(screen).toMatch(/^›✓ +1 Say hello/m);
    expect(colourCodes(t.screen(true))).toEqual([]);
    t.keys('C-c');
    expect(await t.waitFor(/OCILAB_EXIT=\d+/, 'the exit code')).toContain('OCILAB_EXIT=130');
  });
});

async function waitUntil(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
