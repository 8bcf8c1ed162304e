/**
 * End to end, two terminals: `ocilab notes` in one tmux window follows `ocilab run hello
 * --mode present` in another (a Unix socket in a private XDG_RUNTIME_DIR). The notes show
 * the current step's notes, the next step's title, elapsed time against the talk's and the
 * step's budget and the wall clock; `.` in the talk pauses the notes' timer. Every wait
 * polls a window's screen. Skips without tmux on a laptop; fails under CI.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { ensureBuilt } from '../helpers/built-cli.js';
import { peer } from '../helpers/peers.js';
import { ocilabShell } from './tmux.js';
import { tmuxRig } from './tmux-windows.js';

const tmux = peer('tmux', 'scripts/ci/install-ui.sh');
const rig = tmuxRig(tmux, 'notes');

const field = (screen: string, re: RegExp): string => {
  const m = re.exec(screen);
  if (!m) throw new Error(`no ${re} on the screen:\n${screen}`);
  return m[1]!;
};
const talkTime = (screen: string) => field(screen, /^Talk (\d\d:\d\d) \//m);
const stepTime = (screen: string) => field(screen, /^Step (\d\d:\d\d) \//m);
/** Seconds of the day shown by the notes' wall clock (top right). */
const wall = (screen: string): number => {
  const [h, m, s] = field(screen, /^NOTES.*?(\d\d:\d\d:\d\d)$/m).split(':').map(Number);
  return h! * 3600 + m! * 60 + s!;
};

describe.skipIf(!tmux)('run --mode present with ocilab notes in a second window', { timeout: 120_000 }, () => {
  beforeAll(() => ensureBuilt(), 180_000);

  test('notes follow the talk: notes, next title, talk and step budgets, wall clock; . pauses the timer', async () => {
    const { w, env } = rig.windows({ columns: 100, rows: 30 });

    // The notes screen first: it waits for a presentation.
    w.open('notes', ocilabShell('notes', env));
    await w.waitFor('notes', /Waiting for a presentation/, 'the waiting notes screen');

    w.open('talk', ocilabShell('run hello --mode present', env));
    await w.waitFor('talk', /→ runs 1\/3/, 'the talk, ready');
    let notes = await w.waitFor('notes', /^Step 1\/3 · Say hello$/m, 'notes on step 1');
    expect(notes).toMatch(/^NOTES · Hello, ocilab +\d\d:\d\d:\d\d$/m);
    expect(notes).toContain('Warm-up. Point at the step list and the timer.');
    expect(notes).toMatch(/^Next: Write a file in the run's work dir$/m);
    expect(notes).toMatch(/^Talk \d\d:\d\d \/ 02:00 {3}\d\d:\d\d left$/m);
    expect(notes).toMatch(/^Step \d\d:\d\d \/ 00:20 {3}\d\d:\d\d left$/m);

    // One beat: → types the command and runs it; space moves to step 2; the notes follow.
    w.keys('talk', 'Right');
    await w.waitFor('talk', /✓ +1 Say hello/, 'step 1 passed');
    w.keys('talk', 'Space');
    await w.waitFor('talk', /→ runs 2\/3/, 'step 2 focused');
    notes = await w.waitFor('notes', /^Step 2\/3 · Write a file in the run's work dir$/m, 'notes on step 2');
    expect(notes).toContain('(no notes for this step)');
    expect(notes).toMatch(/^Next: Wait for a server, then stop it$/m);
    expect(notes).toMatch(/^Step \d\d:\d\d \/ 00:20 /m);

    // The talk time runs while not paused.
    const before = talkTime(notes);
    notes = await w.waitFor('notes', (s) => /^Talk /m.test(s) && talkTime(s) !== before, 'the talk timer ticking');

    // `.` pauses: the talk says so, the notes say PAUSED and their clocks stop while the wall clock goes on.
    w.keys('talk', '.');
    await w.waitFor('talk', /‖ timer paused · → runs 2\/3/, 'the talk header: timer paused');
    const paused = await w.waitFor('notes', /^Step 2\/3 · .*\[PAUSED\]$/m, 'notes paused');
    const [talk0, step0, wall0] = [talkTime(paused), stepTime(paused), wall(paused)];
    notes = await w.waitFor('notes', (s) => /^NOTES/m.test(s) && wall(s) >= wall0 + 3, 'three seconds of wall clock while paused');
    expect(notes).toContain('[PAUSED]');
    expect([talkTime(notes), stepTime(notes)]).toEqual([talk0, step0]);

    // `.` again resumes: PAUSED goes, the talk time moves on from where it stopped.
    w.keys('talk', '.');
    notes = await w.waitFor('notes', (s) => /^Talk /m.test(s) && !s.includes('[PAUSED]') && talkTime(s) !== talk0, 'the timer running again');
    expect(talkTime(notes) > talk0).toBe(true);
    await w.waitFor('talk', (s) => !s.includes('timer paused'), 'the talk header: running');

    // q ends the talk (step 3 never ran: exit 1); the notes keep the last state, marked ENDED.
    w.keys('talk', 'q');
    expect(await w.waitFor('talk', /OCILAB_EXIT=\d+/, 'the exit code')).toContain('OCILAB_EXIT=1');
    await w.waitFor('notes', /^Step 2\/3 · .*\[ENDED\]$/m, 'the notes marked ENDED');
  });
});
