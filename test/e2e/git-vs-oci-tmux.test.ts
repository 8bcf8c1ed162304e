/**
 * End to end: the talk scenario in a real terminal at 100x30, the size of a projector
 * window. The BUILT CLI (node dist/cli.js) runs git-vs-oci on the local target (small
 * preset, to stay fast) and is walked with keys through all its steps (from the scenario file); after each step:
 * it passed, and the live area still fits the pane (title on the first row, key bar on the
 * second-to-last, last row empty, so nothing scrolled or wrapped). In the side-by-side step
 * the bars (b) are opened while it measures and read once complete. Waits poll the screen;
 * nothing sleeps for a fixed time. Skips with a reason without tmux; fails under CI.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { ensureBuilt, repoRoot } from '../helpers/built-cli.js';
import { peer } from '../helpers/peers.js';
import { scenarioFacts } from './scenario-steps.js';
import { ocilabShell } from './tmux.js';
import { tmuxRig } from './tmux-windows.js';

const tmux = peer('tmux', 'scripts/ci/install-ui.sh');
const SIZE = { columns: 100, rows: 30 };
const rig = tmuxRig(tmux, 'git-vs-oci');

// From the scenario file: others add steps to it (the first 12 characters of each title).
const talk = scenarioFacts('git-vs-oci');
const STEPS = talk.steps.map((s) => s.title.slice(0, 12));
const N = STEPS.length;
const SIDE_BY_SIDE = talk.steps.findIndex((s) => s.id === 'side-by-side') + 1;

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
    const { t, env } = rig.session();
    t.start(ocilabShell('run git-vs-oci --target local --param preset=small --param runs=2', { ...env, NO_COLOR: '1' }, 300), SIZE, repoRoot);
    for (let i = 1; i <= STEPS.length; i++) {
      fitsPane(await t.waitFor(new RegExp(`→ runs ${i}/${N}`), `step ${i} focused`, 60_000), `step ${i} focused`);
      t.keys('Right');
      if (i === SIDE_BY_SIDE) {
        // The bars while the comparison runs: they appear with the first measured run.
        await t.waitFor(new RegExp(`▶ running ${i}/${N}`), 'the side-by-side step running');
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
    for (const [i, title] of STEPS.entries()) expect(end).toMatch(new RegExp(`✓ +${i + 1} [^\\n]*${title.replace(/[()]/g, '\\$&')}`));
    t.keys('q');
    const exit = await t.waitFor(/OCILAB_EXIT=\d+/, 'the exit code');
    expect(exit).toContain('OCILAB_EXIT=0');
    // the summary line is printed after the UI left; the terminal wraps it like any text, at a
    // space (which then ends the row) or inside a word: compare without the white space
    const unwrapped = exit.replace(/\s+/g, '');
    expect(unwrapped).toContain(`passed·${'✓'.repeat(N)}·${N}passed,0failed,0skipped,0notrun`);
  }, 600_000);
});
