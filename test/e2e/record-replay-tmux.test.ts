/**
 * The offline fallback, end to end in tmux: a talk recorded with `run --record` (the Ink
 * frames, typing included, a marker per step), then `ocilab replay` of that file in another
 * window: the RECORDED banner, a pause at each step, `n` plays the next step, `q` quits 0.
 * Skips without tmux on a laptop; fails under CI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { markersOf, parseCast } from '../../src/record/asciicast.js';
import { ensureBuilt } from '../helpers/built-cli.js';
import { peer } from '../helpers/peers.js';
import { ocilabShell } from './tmux.js';
import { tmuxRig } from './tmux-windows.js';

const tmux = peer('tmux', 'scripts/ci/install-ui.sh');
const rig = tmuxRig(tmux, 'replay');

describe.skipIf(!tmux)('record a talk, replay it', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  test('run --record in tmux, then ocilab replay pauses at each step and n moves on', { timeout: 120_000 }, async () => {
    const { w, env, dir } = rig.windows({ columns: 80, rows: 24 });
    const cast = join(dir, 'hello.cast');

    w.open('talk', ocilabShell(`run hello --mode present --type-speed 5 --record ${cast}`, env));
    await w.waitFor('talk', /→ runs 1\/3/, 'the talk, ready');
    for (let n = 1; n <= 3; n++) {
      w.keys('talk', 'Right');
      await w.waitFor('talk', n < 3 ? new RegExp(`→ goes to ${n + 1}/3`) : /→ finishes/, `step ${n} passed`);
      if (n < 3) {
        w.keys('talk', 'Space');
        await w.waitFor('talk', new RegExp(`→ runs ${n + 1}/3`), `step ${n + 1} focused`);
      }
    }
    w.keys('talk', 'Right');
    await w.waitFor('talk', /✓ run passed · q quits/, 'the run passed');
    w.keys('talk', 'q');
    expect(await w.waitFor('talk', /OCILAB_EXIT=\d+/, 'the exit code')).toContain('OCILAB_EXIT=0');

    // The file: asciicast v2, a marker per step, the typed command in the output.
    const recorded = parseCast(readFileSync(cast, 'utf8'), cast);
    expect(recorded.header).toMatchObject({ version: 2, width: 80, height: 24, title: 'Hello, ocilab' });
    expect(markersOf(recorded).map((m) => m.label)).toEqual(['1. Say hello', "2. Write a file in the run's work dir", '3. Wait for a server, then stop it']);
    const output = recorded.events.filter((e) => e.code === 'o').map((e) => e.data).join('');
    expect(output).toContain('$ echo "hello from ocilab"');
    expect(output).toContain('⌨ typing 1/3');
    expect(output).toMatch(/(?<!echo ")hello from ocilab(?!")/);
    expect(output).toContain('kind: Demo');

    w.open('replay', ocilabShell(`replay ${cast}`, env));
    let screen = await w.waitFor('replay', /RECORDED \d{4}-\d\d-\d\d \d\d:\d\d UTC — Hello, ocilab/, 'the RECORDED banner');
    // Banner and keys on two lines that fit 80 columns (nothing wraps).
    expect(screen).toMatch(/^ RECORDED .* — Hello, ocilab ?$/m);
    expect(screen).toMatch(/^3 steps · space pause · n\/p step · \+\/- speed · q quit$/m);
    // It plays the typing and stops at step 1's marker (the command typed in full); n plays step 1
    // up to step 2's marker. An n that arrives before the first pause only moves to that pause,
    // so n is pressed again if step 1's result has not appeared.
    await w.waitFor('replay', /^\$ echo "hello from ocilab"█?$/m, 'the typed command, replayed');
    screen = '';
    for (let tries = 0; tries < 3 && !/✓ +1 Say hello/.test(screen); tries++) {
      w.keys('replay', 'n');
      screen = await w.waitFor('replay', /✓ +1 Say hello/, 'step 1 replayed', 5_000).catch(() => '');
    }
    expect(screen).toMatch(/✓ +1 Say hello/);
    // The recording is as tall as the terminal: its frames would scroll the banner away; it is
    // pinned over the top rows instead, so a replay never passes for live.
    expect(screen.split('\n')[0]).toMatch(/^ RECORDED .* — Hello, ocilab ?$/);
    expect(screen.split('\n')[1]).toMatch(/^3 steps · space pause · n\/p step · \+\/- speed · q quit$/);
    // Step 1's segment ends where step 2 starts: the focus on step 2, its command typed.
    expect(screen).toMatch(/^›· +2 Write a file/m);
    expect(screen).toContain("$ printf 'kind: Demo\\n' > demo.yaml");
    expect(screen).not.toMatch(/✓ +2 Write a file/);
    w.keys('replay', 'n');
    screen = await w.waitFor('replay', /✓ +2 Write a file/, 'step 2 replayed');
    expect(screen).toMatch(/^›· +3 Wait for a server/m);
    w.keys('replay', 'q');
    expect(await w.waitFor('replay', /OCILAB_EXIT=\d+/, 'the replay exit code')).toContain('OCILAB_EXIT=0');
  });
});
