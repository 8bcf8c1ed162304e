import type { Key } from 'ink';
import { describe, expect, test } from 'vitest';
import { initialUiState, reduceKey, type RunFacts, type UiState } from '../../src/ui/input.js';
import { planLayout } from '../../src/ui/layout.js';

const noKey: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
  home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
  backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
};
const k = (patch: Partial<Key>): Key => ({ ...noKey, ...patch });
const facts: RunFacts = { mode: 'present', busy: false, steps: 5, viewing: 1, logLines: 100, logPage: 10 };

/** Feed keys one after the other, as a fast typist or tmux send-keys would. */
function type(keys: [string, Partial<Key>?][], run: Partial<RunFacts> = {}, from: UiState = initialUiState) {
  let ui = from;
  const effects: unknown[] = [];
  for (const [input, key] of keys) {
    const result = reduceKey(ui, input, k(key ?? {}), { ...facts, ...run });
    ui = result.ui;
    if (result.effect) effects.push(result.effect);
  }
  return { ui, effects };
}

describe('keys', () => {
  test.each([
    ['→', [['', { rightArrow: true }]], [{ kind: 'next' }]],
    ['space', [[' ']], [{ kind: 'next' }]],
    ['n', [['n']], [{ kind: 'next' }]],
    ['←', [['', { leftArrow: true }]], [{ kind: 'back' }]],
    ['p', [['p']], [{ kind: 'back' }]],
    ['r', [['r']], [{ kind: 'retry' }]],
    ['s', [['s']], [{ kind: 'skip' }]],
    ['Ctrl-L', [['l', { ctrl: true }]], [{ kind: 'redraw' }]],
    ['Ctrl-C', [['c', { ctrl: true }]], [{ kind: 'quit', how: 'interrupt' }]],
    ['q when idle', [['q']], [{ kind: 'quit', how: 'quit' }]],
    ['c outside workshop', [['c']], []],
  ] as [string, [string, Partial<Key>?][], unknown[]][])('%s', (_name, keys, effects) => {
    expect(type(keys).effects).toEqual(effects);
  });

  test('c checks in workshop mode', () => {
    expect(type([['c']], { mode: 'workshop' }).effects).toEqual([{ kind: 'check' }]);
  });

  test('keys that run something are ignored while a step runs; back still re-displays', () => {
    expect(type([['n'], ['r'], ['s'], ['g']], { busy: true })).toEqual({ ui: initialUiState, effects: [] });
    expect(type([['p']], { busy: true }).effects).toEqual([{ kind: 'back' }]);
  });

  test('q while a step runs asks; n keeps running, y quits', () => {
    const asked = type([['q']], { busy: true });
    expect(asked.ui.overlay).toBe('quit');
    expect(asked.effects).toEqual([]);
    expect(type([['q'], ['n']], { busy: true })).toEqual({ ui: initialUiState, effects: [] });
    const quit = type([['q'], ['y']], { busy: true });
    expect(quit.effects).toEqual([{ kind: 'quit', how: 'quit' }]);
    expect(quit.ui.quitting).toBe('quit');
    // Nothing else happens once quitting, except Ctrl-C.
    expect(type([['q'], ['y'], ['n'], ['g']], { busy: true }).effects).toHaveLength(1);
  });

  test('goto: g, digits, Enter, typed faster than any render', () => {
    expect(type([['g'], ['1'], ['2'], ['', { return: true }]], { steps: 20 }).effects).toEqual([{ kind: 'goto', index: 11 }]);
    expect(type([['g'], ['9'], ['', { return: true }]], { steps: 5 }).effects).toEqual([{ kind: 'goto', index: 4 }]);
    expect(type([['g'], ['', { downArrow: true }], ['', { downArrow: true }], ['', { return: true }]]).effects).toEqual([
      { kind: 'goto', index: 3 },
    ]);
    expect(type([['g'], ['3'], ['', { escape: true }]])).toEqual({ ui: { ...initialUiState, gotoSelected: 2, gotoTyped: '3' }, effects: [] });
  });

  test('help and full log swallow the main keys until closed', () => {
    expect(type([['?'], ['n'], ['s']]).effects).toEqual([]);
    expect(type([['?'], ['?'], ['n']]).effects).toEqual([{ kind: 'next' }]);
    const log = type([['l'], ['', { pageUp: true }], ['', { upArrow: true }], ['n']]);
    expect(log.ui.overlay).toBe('log');
    expect(log.ui.logFromEnd).toBe(11);
    expect(log.effects).toEqual([]);
    expect(type([['l'], ['g']]).ui.logFromEnd).toBe(99);
    expect(type([['l'], ['g'], ['G']]).ui.logFromEnd).toBe(0);
    expect(type([['l'], ['', { escape: true }]]).ui.overlay).toBe('none');
  });
});

describe('layout', () => {
  test.each([
    [80, 24],
    [120, 40],
    [60, 15],
    [200, 60],
  ])('%ix%i: the frame is one row shorter than the terminal and the parts add up', (columns, rows) => {
    for (const measurements of [0, 3, 50]) {
      const l = planLayout({ columns, rows, steps: 12, measurements, prompt: 0 });
      expect(l.frameHeight).toBe(rows - 1);
      expect(l.bodyHeight).toBe(rows - 1 - 3);
      const used = l.wide ? l.mainHeight + l.measurementsHeight : l.stepsHeight + l.mainHeight + l.measurementsHeight;
      expect(used).toBeLessThanOrEqual(l.bodyHeight);
      expect(l.minOutput).toBeGreaterThanOrEqual(2);
      expect(l.wide).toBe(columns >= 100);
    }
  });
});

test('a burst of characters is one key each; escape sequences and Ctrl keys stay whole', async () => {
  const { splitKeys } = await import('../../src/ui/input.js');
  expect(splitKeys('nn', k({})).map(([ch]) => ch)).toEqual(['n', 'n']);
  expect(splitKeys('g3', k({}))).toHaveLength(2);
  expect(splitKeys('G', k({ shift: true }))).toEqual([['G', k({ shift: true })]]);
  expect(splitKeys('', k({ rightArrow: true }))).toEqual([['', k({ rightArrow: true })]]);
  expect(splitKeys('l', k({ ctrl: true }))).toEqual([['l', k({ ctrl: true })]]);
  // "g", "3" and Enter in one read still go to step 3.
  let ui = initialUiState;
  const effects: unknown[] = [];
  for (const [ch, key] of splitKeys('g3\r', k({}))) {
    const r = reduceKey(ui, ch, key, facts);
    ui = r.ui;
    if (r.effect) effects.push(r.effect);
  }
  expect(effects).toEqual([{ kind: 'goto', index: 2 }]);
});
