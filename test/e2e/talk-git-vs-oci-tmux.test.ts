/**
 * Issue #9's rehearsal, end to end in tmux at 100x30: the git-vs-oci talk (local target,
 * tiny preset) presented with keys and recorded (--record), `ocilab notes` in a second
 * window following every step (its notes, the next title), no body row losing its first
 * character; then the recording: asciicast v2 at the terminal's size with a marker per
 * step, replayed by `ocilab replay` in a third window, paused at steps and moved on with n.
 * Steps and texts come from scenarios/git-vs-oci.yaml. Skips without tmux; fails under CI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { markersOf, parseCast } from '../../src/record/asciicast.js';
import { ensureBuilt } from '../helpers/built-cli.js';
import { peer } from '../helpers/peers.js';
import { scenarioFacts } from './scenario-steps.js';
import { rowsMissingFirstChar } from './screen-checks.js';
import { ocilabShell } from './tmux.js';
import { tmuxRig } from './tmux-windows.js';

const tmux = peer('tmux', 'scripts/ci/install-ui.sh');
const rig = tmuxRig(tmux, 'talk');
const talk = scenarioFacts('git-vs-oci');
const N = talk.steps.length;
const SIZE = { columns: 100, rows: 30 };
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.skipIf(!tmux)('the git-vs-oci talk: present, notes in a second window, record, replay', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  test('every step with its notes following; the cast has a marker per step and replays', { timeout: 480_000 }, async () => {
    const { w, env, dir } = rig.windows(SIZE);
    const cast = join(dir, 'git-vs-oci.cast');
    w.open('notes', ocilabShell('notes', env));
    await w.waitFor('notes', /Waiting for a presentation/, 'the waiting notes screen');
    w.open('talk', ocilabShell(`run git-vs-oci --mode present --type-speed 5 --param preset=tiny --param runs=1 --record ${cast}`, env, 300));

    for (let i = 1; i <= N; i++) {
      const step = talk.steps[i - 1]!;
      let screen = await w.waitFor('talk', new RegExp(`→ runs ${i}/${N}`), `step ${i} focused`, 90_000);
      expect(rowsMissingFirstChar(screen, SIZE, N), `step ${i} focused:\n${screen}`).toEqual([]);
      const notes = await w.waitFor('notes', new RegExp(`^Step ${i}/${N} · ${escape(step.title)}`, 'm'), `notes on step ${i}`);
      if (step.notes) expect(notes).toContain(step.notes.split(/\s+/).slice(0, 4).join(' '));
      else expect(notes).toContain('(no notes for this step)');
      expect(notes).toMatch(new RegExp(`^Next: ${i < N ? escape(talk.steps[i]!.title) : '\\(last step\\)'}$`, 'm'));

      w.keys('talk', 'Right');
      const after = i < N ? `→ goes to ${i + 1}/${N}` : '→ finishes';
      screen = await w.waitFor('talk', (s) => s.includes(after) || s.includes(`✗ ${i}/${N} failed`), `step ${i} done`, 180_000);
      expect(screen, `step ${i} failed:\n${screen}`).toContain(after);
      expect(rowsMissingFirstChar(screen, SIZE, N), `step ${i} done:\n${screen}`).toEqual([]);
      w.keys('talk', i < N ? 'Space' : 'Right');
    }
    await w.waitFor('talk', /✓ run passed · q quits/, 'the run passed');
    w.keys('talk', 'q');
    expect(await w.waitFor('talk', /OCILAB_EXIT=\d+/, 'the exit code')).toContain('OCILAB_EXIT=0');
    await w.waitFor('notes', new RegExp(`^Step ${N}/${N} · .*\\[ENDED\\]$`, 'm'), 'the notes marked ENDED');

    // The recording: the terminal's size, the talk's title, one marker per step in order.
    const recorded = parseCast(readFileSync(cast, 'utf8'), cast);
    expect(recorded.header).toMatchObject({ version: 2, width: SIZE.columns, height: SIZE.rows, title: talk.title });
    expect(markersOf(recorded).map((m) => m.label)).toEqual(talk.steps.map((s, i) => `${i + 1}. ${s.title}`));

    // Replayed: the banner, the first step's typed command, n plays step 1 up to step 2.
    w.open('replay', ocilabShell(`replay ${cast}`, env));
    await w.waitFor('replay', new RegExp(`RECORDED \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC — ${escape(talk.title)}`), 'the RECORDED banner');
    let screen = '';
    // An n before the first pause only moves to that pause: press again until step 1 shows passed.
    for (let tries = 0; tries < 4 && !/✓ +1 /.test(screen); tries++) {
      w.keys('replay', 'n');
      screen = await w.waitFor('replay', /✓ +1 /, 'step 1 replayed', 8_000).catch(() => '');
    }
    expect(screen).toMatch(new RegExp(`✓ +1 ${escape(talk.steps[0]!.title.slice(0, 12))}`));
    w.keys('replay', 'n');
    await w.waitFor('replay', /✓ +2 /, 'step 2 replayed');
    w.keys('replay', 'q');
    expect(await w.waitFor('replay', /OCILAB_EXIT=\d+/, 'the replay exit code')).toContain('OCILAB_EXIT=0');
  });
});
