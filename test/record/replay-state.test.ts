import { describe, expect, it } from 'vitest';
import type { CastEvent } from '../../src/record/asciicast.js';
import { delayBefore, initialReplay, reduceReplay, type ReplayInput, type ReplayState } from '../../src/record/replay-state.js';

const events: CastEvent[] = [
  { time: 0, code: 'o', data: 'intro\r\n' },
  { time: 0.5, code: 'm', data: '1. A' },
  { time: 0.6, code: 'o', data: 'a\r\n' },
  { time: 3, code: 'm', data: '2. B' },
  { time: 3.1, code: 'o', data: 'b\r\n' },
  { time: 4, code: 'm', data: '3. C' },
  { time: 4.5, code: 'o', data: 'c\r\n' },
];

function run(inputs: (string | 'tick')[], from: ReplayState = initialReplay(events)) {
  let state = from;
  const effects = [];
  for (const i of inputs) {
    const input: ReplayInput = i === 'tick' ? { kind: 'tick' } : { kind: 'key', key: i };
    const r = reduceReplay(state, input, events);
    state = r.state;
    effects.push(r.effect);
  }
  return { state, effects };
}

describe('replay navigation', () => {
  it('ticks through output and pauses on each marker', () => {
    const { state, effects } = run(['tick', 'tick', 'tick']);
    expect(effects.slice(0, 2)).toEqual([
      { kind: 'write', from: 0, to: 1 },
      { kind: 'write', from: 1, to: 2 },
    ]);
    expect(effects[2]).toEqual({ kind: 'none' });
    expect(state).toMatchObject({ pos: 2, paused: true, done: false });
    const resumed = run([' ', 'tick'], state);
    expect(resumed.state).toMatchObject({ pos: 3, paused: false });
  });

  it('n jumps to just after the next marker, paused; again to the one after', () => {
    const a = run(['n']);
    expect(a.effects[0]).toEqual({ kind: 'write', from: 0, to: 2 });
    const b = run(['n', 'n']);
    expect(b.state).toMatchObject({ pos: 4, paused: true });
    expect(b.effects[1]).toEqual({ kind: 'write', from: 2, to: 4 });
    const end = run(['n', 'n', 'n', 'n']);
    expect(end.state).toMatchObject({ pos: 7, done: true });
  });

  it('p goes back to the start of the previous step with a redraw', () => {
    const { state, effects } = run(['n', 'n', 'tick', 'p']);
    expect(effects[3]).toEqual({ kind: 'redraw', to: 2 });
    expect(state).toMatchObject({ pos: 2, paused: true });
    expect(run(['p'], state).effects[0]).toEqual({ kind: 'redraw', to: 0 });
  });

  it('speed doubles and halves within bounds; q quits', () => {
    expect(run(['+', '+', '+', '+', '+', '+']).state.speed).toBe(16);
    expect(run(['-', '-', '-', '-']).state.speed).toBe(0.25);
    expect(run(['q']).effects[0]).toEqual({ kind: 'quit' });
  });

  it('delays follow the recording, scaled by speed, idle capped', () => {
    expect(delayBefore(events, 1, 1)).toBeCloseTo(0.5);
    expect(delayBefore(events, 3, 1)).toBe(2); // 2.4s gap capped at 2s
    expect(delayBefore(events, 2, 2)).toBeCloseTo(0.05);
  });
});

describe('replay straight through', () => {
  it('does not pause at markers when pauseOnMarkers is off', () => {
    const { state } = run(Array(7).fill('tick'), initialReplay(events, false));
    expect(state).toMatchObject({ pos: 7, done: true, paused: false });
  });
});
