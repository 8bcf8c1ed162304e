/**
 * Present mode's typing effect through the real app, runner and store: the command line of
 * a step not yet run is empty; → types it out (timed, with jitter from a seeded source) and
 * then runs it; any key finishes the typing at once; type-on-key types a chunk per key.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { DEFAULT_JITTER, seededRandom, type TypingMode } from '../../src/present/typing.js';
import { RunApp } from '../../src/ui/RunApp.js';
import { createTheme, ThemeContext } from '../../src/ui/theme.js';
import { KEY, renderAt, settle, type Rendered } from './render.js';
import { startRun, until, type TestRun } from './run-store.js';

vi.setConfig({ testTimeout: 60_000 });

const SCENARIO = `
id: typing
title: Typing test
summary: Two steps with a shown command, one without.
targets: [local]
budget: 1m
steps:
  - id: one
    title: Echo a word
    show: echo typed-out-line
    run:
      - shell: echo ran-one
  - id: two
    title: Second
    show: printf 'second step here'
    run:
      - shell: echo ran-two
  - id: three
    title: No shown command
    run:
      - shell: echo ran-three
`;

let run: TestRun | undefined;
let ui: Rendered | undefined;
afterEach(async () => {
  ui?.instance.unmount();
  await run?.dispose();
  ui = undefined;
  run = undefined;
});

function mount(mode: TypingMode | undefined, runMode: 'present' | 'workshop' = 'present') {
  run = startRun(SCENARIO, runMode);
  ui = renderAt(
    <ThemeContext.Provider value={createTheme(false)}>
      <RunApp store={run.store} onExit={() => undefined} {...(mode ? { typing: { mode, random: seededRandom(7) } } : {})} />
    </ThemeContext.Provider>,
    { columns: 80, rows: 24 },
  );
  return { ui, run };
}

/** The `$ ` line of the live area. */
const commandLine = (u: Rendered): string | undefined => u.live().find((row) => row.startsWith('$ '));
/** Wait until the `$ ` line reads `text` (frames arrive asynchronously on a loaded machine). */
const lineReads = (u: Rendered, text: string) => until(() => commandLine(u) === text, `the command line "${text}"`, u.frame);

describe('typing the shown command in present mode', () => {
  test('timed: the line starts empty, types out character by character, then the step runs by itself', async () => {
    const { ui, run } = mount({ kind: 'timed', msPerChar: 70, jitter: DEFAULT_JITTER });
    await until(() => ui.frame().includes('→ runs 1/3'), 'ready', ui.frame);
    // Not typed yet: the audience sees an empty prompt, not the command.
    await lineReads(ui, '$ █');
    await ui.press(KEY.right);
    await until(() => /✓ +1 Echo a word/.test(ui.frame()) && ui.frame().includes('ran-one'), 'step 1 ran after typing', ui.frame);
    await lineReads(ui, '$ echo typed-out-line');
    // The frames show a growing prefix of the command with a cursor, never anything else.
    const typedLines = ui
      .frames()
      .flatMap((f) => f.split('\n'))
      .filter((row) => /^\$ .*█$/.test(row))
      .map((row) => row.slice(2, -1));
    const distinct = [...new Set(typedLines)];
    expect(distinct.length).toBeGreaterThan(4);
    for (const prefix of distinct) expect('echo typed-out-line'.startsWith(prefix)).toBe(true);
    for (let i = 1; i < distinct.length; i++) expect(distinct[i]!.length).toBeGreaterThan(distinct[i - 1]!.length);
    expect(ui.frames().some((f) => f.includes('⌨ typing 1/3 · any key finishes'))).toBe(true);
    // The step ran once, after the typing.
    expect(run.store.getState().steps[0]!.attempt).toBe(1);
  });

  test('timed: any key during typing finishes the line at once and runs the step', async () => {
    // 2 s a character: without the key the line would take 40 s.
    const { ui, run } = mount({ kind: 'timed', msPerChar: 2000, jitter: 0 });
    await until(() => ui.frame().includes('→ runs 1/3'), 'ready', ui.frame);
    await ui.press(KEY.right);
    await until(() => ui.frame().includes('⌨ typing 1/3'), 'typing started', ui.frame);
    await lineReads(ui, '$ █');
    expect(run.store.getState().steps[0]!.status).toBe('pending');
    await ui.press('x');
    await until(() => ui.frame().includes('ran-one') && ui.frame().includes('→ goes to 2/3'), 'step 1 ran', ui.frame);
    await lineReads(ui, '$ echo typed-out-line');
    // The key was spent on the typing: it did not also do anything else.
    expect(run.store.getState().current).toBe(0);
    // Next step: focus moves, its line is empty again; Esc abandons typing without running.
    await ui.press(KEY.right);
    await until(() => ui.frame().includes('→ runs 2/3'), 'step 2 focused', ui.frame);
    await lineReads(ui, '$ █');
    await ui.press(KEY.right);
    await until(() => ui.frame().includes('⌨ typing 2/3'), 'typing step 2', ui.frame);
    await ui.press(KEY.escape);
    await until(() => ui.frame().includes('→ runs 2/3'), 'typing abandoned', ui.frame);
    expect(run.store.getState().steps[1]!.status).toBe('pending');
  });

  test('type on key: each key types the next chunk, Enter runs; a step without a command runs at once', async () => {
    const { ui, run } = mount({ kind: 'keys', perKey: 3 });
    await until(() => ui.frame().includes('→ runs 1/3'), 'ready', ui.frame);
    await ui.press(KEY.right);
    await until(() => ui.frame().includes('⌨ type 1/3 · keys type, ⏎ runs'), 'type-on-key started', ui.frame);
    await lineReads(ui, '$ █');
    await ui.press('a');
    await lineReads(ui, '$ ech█');
    await ui.press('q', 'r'); // q and r type too: nothing quits or retries
    await lineReads(ui, '$ echo type█');
    await ui.press(...'abcdefgh');
    await lineReads(ui, '$ echo typed-out-line█');
    expect(ui.frame()).toContain('⌨ typed 1/3 · ⏎ runs');
    await settle(100);
    expect(run.store.getState().steps[0]!.status).toBe('pending');
    await ui.press(KEY.enter);
    await until(() => ui.frame().includes('ran-one') && ui.frame().includes('→ goes to 2/3'), 'step 1 ran on Enter', ui.frame);
    await lineReads(ui, '$ echo typed-out-line');
    // Enter in the middle of step 2: the rest appears and it runs.
    await ui.press(KEY.right);
    await until(() => ui.frame().includes('→ runs 2/3'), 'step 2 focused', ui.frame);
    await ui.press(KEY.right, 'z', KEY.enter);
    await until(() => ui.frame().includes('ran-two') && ui.frame().includes('→ goes to 3/3'), 'step 2 ran', ui.frame);
    await lineReads(ui, "$ printf 'second step here'");
    // Step 3 shows no command: → runs it straight away.
    await ui.press(KEY.right);
    await until(() => ui.frame().includes('→ runs 3/3'), 'step 3 focused', ui.frame);
    await ui.press(KEY.right);
    await until(() => ui.frame().includes('ran-three'), 'step 3 ran', ui.frame);
    expect(ui.frames().some((f) => f.includes('⌨ type 3/3'))).toBe(false);
  });

  test('Ctrl-C while typing interrupts the run (130)', async () => {
    run = startRun(SCENARIO, 'present');
    const exits: number[] = [];
    ui = renderAt(
      <ThemeContext.Provider value={createTheme(false)}>
        <RunApp store={run.store} onExit={(c) => exits.push(c)} typing={{ mode: { kind: 'timed', msPerChar: 2000 } }} />
      </ThemeContext.Provider>,
      { columns: 80, rows: 24 },
    );
    const u = ui;
    await until(() => u.frame().includes('→ runs 1/3'), 'ready', u.frame);
    await u.press(KEY.right);
    await until(() => u.frame().includes('⌨ typing 1/3'), 'typing', u.frame);
    await u.press(KEY.ctrlC);
    await until(() => exits.length > 0, 'exit', u.frame);
    expect(exits).toEqual([130]);
    expect(run.store.getState().steps[0]!.status).toBe('pending');
  });

  test('off: without typing settings, or outside present mode, the command shows whole and → runs it', async () => {
    for (const [mode, runMode] of [[undefined, 'present'], [{ kind: 'timed', msPerChar: 2000 }, 'workshop']] as const) {
      const { ui, run: r } = mount(mode, runMode);
      await until(() => ui.frame().includes('1/3'), 'ready', ui.frame);
      await lineReads(ui, '$ echo typed-out-line');
      if (runMode === 'present') {
        await ui.press(KEY.right);
        await until(() => ui.frame().includes('ran-one'), 'step 1 ran', ui.frame);
        expect(ui.frames().some((f) => f.includes('⌨'))).toBe(false);
      }
      ui.instance.unmount();
      await r.dispose();
    }
    ui = undefined;
    run = undefined;
  });
});
