/**
 * End to end: the talk scenario in a real terminal at 100x30, the size of a projector
 * window. The BUILT CLI (node dist/cli.js) runs git-vs-oci on the local target (small
 * preset, to stay fast) and is walked with keys through ALL twelve steps; after each step:
 * it passed, and the live area still fits the pane (title on the first row, key bar on the
 * second-to-last, last row empty, so nothing scrolled or wrapped). In the side-by-side step
 * the bars (b) are opened while it measures and read once complete. Waits poll the screen;
 * nothing sleeps for a fixed time. Skips with a reason without tmux; fails under CI.
 */
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ensureBuilt } from '../helpers/built-cli.js';
import { peer } from '../helpers/peers.js';
import { TmuxSession } from './tmux.js';

const tmux = peer('tmux', 'scripts/ci/install-ui.sh');
const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');
const SIZE = { columns: 100, rows: 30 };

const STEPS = [
  'GitOps and Flux',
  'A Git server and',
  'A fleet repo with history',
  'Deliver it from Git',
  'Publish the same',
  'Side by side',
  'Scale it to a fleet',
  'Change one app',
  'The registry goes down',
  'The registry comes back',
  'The Git server goes down',
  'The Git server comes back',
];
const N = STEPS.length;

let session: TmuxSession | undefined;
afterEach(() => {
  session?.kill();
  session = undefined;
});

/** The live area fills the pane exactly: title first, key bar last, the terminal's last row empty. */
function fitsPane(screen: string, when: string): void {
  const rows = screen.split('\n');
  expect(rows[0], `${when}: first row\n${screen}`).toMatch(/^Git vs OCI — the same manifests, two ways +⏱ \d\d:\d\d \/ 20:00$/);
  expect(rows[SIZE.rows - 2], `${when}: key bar\n${screen}`).toMatch(/^→ next {2}← back/);
  expect(rows[SIZE.rows - 1] ?? '', `${when}: last row`).toBe('');
  for (const row of rows) expect(row.length, `${when}: ${row}`).toBeLessThanOrEqual(SIZE.columns);
}

describe.skipIf(!tmux)('git-vs-oci in tmux at 100x30', () => {
  beforeAll(() => {
    ensureBuilt();
  }, 180_000);

  test('every step passes with keys, the bars fill in, nothing overflows, q exits 0', async () => {
    const t = (session = new TmuxSession(tmux!));
    t.start(
      `env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 node ${cli} run git-vs-oci --target local --param preset=small --param runs=2; echo "OCILAB_EXIT=$?"; sleep 300`,
      SIZE,
      root,
    );
    for (let i = 1; i <= STEPS.length; i++) {
      fitsPane(await t.waitFor(new RegExp(`→ runs ${i}/${N}`), `step ${i} focused`, 60_000), `step ${i} focused`);
      t.keys('Right');
      if (i === 6) {
        // The bars while the comparison runs: they appear with the first measured run.
        await t.waitFor(new RegExp(`▶ running 6/${N}`), 'step 6 running');
        t.keys('b');
        await t.waitFor(/── measurements · (live · run \d\/2|2 runs each) ─/, 'the bars with the first runs', 120_000);
        const bars = await t.waitFor(/── measurements · 2 runs each ─/, 'the complete comparison', 120_000);
        fitsPane(bars, 'bars');
        for (const row of ['git full', 'git shallow', 'git sparse', 'git ls-remote']) expect(bars).toMatch(new RegExp(`^${row} +█+.* ±\\d+%`, 'm'));
        for (const row of ['oci pull', 'oci HEAD']) expect(bars).toMatch(new RegExp(`^${row} +▓+.* ±\\d+%`, 'm'));
        // server CPU is measured (servers in their own processes), so it has a chart
        expect(bars).toMatch(/^time +bytes down$/m);
        expect(bars).toMatch(/^server CPU +client CPU$/m);
        t.keys('b');
      }
      const passed = await t.waitFor(new RegExp(`✓ +${i} `), `step ${i} passed`, 180_000);
      expect(passed, `step ${i}`).not.toMatch(/✗/);
      fitsPane(t.screen(), `step ${i} passed`);
      // moves the focus on; after the last step, ends the run
      t.keys('Right');
    }
    const end = await t.waitFor(/✓ run passed · q quits/, 'the run passed');
    fitsPane(end, 'the end');
    for (const [i, title] of STEPS.entries()) expect(end).toMatch(new RegExp(`✓ +${i + 1} [^\\n]*${title.slice(0, 12)}`));
    t.keys('q');
    const exit = await t.waitFor(/OCILAB_EXIT=\d+/, 'the exit code');
    expect(exit).toContain('OCILAB_EXIT=0');
    // the summary line is printed after the UI left; the terminal wraps it like any text (anywhere)
    expect(exit.replace(/\n/g, ' ')).toMatch(new RegExp(`passed · ${'✓'.repeat(N)} · ${N} passed,\\s+0 failed,\\s+0 skipped,\\s+0\\s+not\\s*run`));
  }, 600_000);
});
