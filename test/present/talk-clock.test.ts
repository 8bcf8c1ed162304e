import { describe, expect, it } from 'vitest';
import { idleClock, isPaused, startStep, startTalk, stepElapsed, talkElapsed, togglePause } from '../../src/present/talk-clock.js';

describe('talk clock', () => {
  it('stops talk and step time while paused, with an injected time', () => {
    let c = startTalk(idleClock, 1000);
    expect(talkElapsed(c, 11_000)).toBe(10_000);
    c = togglePause(c, 11_000);
    expect(isPaused(c)).toBe(true);
    expect(talkElapsed(c, 50_000)).toBe(10_000);
    c = togglePause(c, 50_000);
    expect(talkElapsed(c, 55_000)).toBe(15_000);
    c = startStep(c, 55_000);
    expect(stepElapsed(c, 60_000)).toBe(5_000);
    c = togglePause(c, 60_000);
    c = startStep(c, 70_000); // next step starts while paused
    c = togglePause(c, 80_000);
    expect(stepElapsed(c, 81_000)).toBe(1_000);
    expect(talkElapsed(c, 81_000)).toBe(21_000);
  });
});
