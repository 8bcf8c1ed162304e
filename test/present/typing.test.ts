import { describe, expect, it } from 'vitest';
import {
  isTyped,
  nextCharAt,
  runsWhenTyped,
  seededRandom,
  startTyping,
  typedCount,
  typeUntil,
  typingKey,
  typingSchedule,
  visibleText,
} from '../../src/present/typing.js';
import { typingModeFor } from '../../src/present/typing-flags.js';

describe('typing schedule', () => {
  it('without jitter, types at exactly ms per char', () => {
    const s = typingSchedule('flux get', { msPerChar: 100, jitter: 0 });
    expect(s).toEqual([100, 200, 300, 400, 500, 600, 700, 800]);
    expect(typedCount(s, 0)).toBe(0);
    expect(typedCount(s, 350)).toBe(3);
    expect(typedCount(s, 10_000)).toBe(8);
  });

  it('jitter stays within bounds and is deterministic for a seed', () => {
    const a = typingSchedule('x'.repeat(50), { msPerChar: 50, jitter: 0.3, random: seededRandom(42) });
    const b = typingSchedule('x'.repeat(50), { msPerChar: 50, jitter: 0.3, random: seededRandom(42) });
    expect(a).toEqual(b);
    const gaps = a.map((t, i) => t - (i ? a[i - 1]! : 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(34);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(66);
    expect(new Set(gaps).size).toBeGreaterThan(3);
    expect(() => typingSchedule('x', { msPerChar: 0 })).toThrow(/positive/);
    expect(() => typingSchedule('x', { msPerChar: Number.NaN })).toThrow(/positive/);
  });
});

describe('typing model', () => {
  it('timed: characters appear with time, nextCharAt says when, then it runs by itself', () => {
    let t = startTyping('ls -l', { kind: 'timed', msPerChar: 10, jitter: 0 });
    expect(visibleText(t)).toBe('');
    expect(nextCharAt(t)).toBe(10);
    t = typeUntil(t, 25);
    expect(visibleText(t)).toBe('ls');
    expect(nextCharAt(t)).toBe(30);
    // Time never un-types.
    expect(typeUntil(t, 5)).toBe(t);
    t = typeUntil(t, 50);
    expect(isTyped(t)).toBe(true);
    expect(nextCharAt(t)).toBeUndefined();
    expect(runsWhenTyped(t)).toBe(true);
  });

  it('timed: any key finishes the line and runs the step (never blocks the speaker); Esc abandons', () => {
    const t = typeUntil(startTyping('flux get sources oci', { kind: 'timed', msPerChar: 40, jitter: 0 }), 80);
    expect(visibleText(t)).toBe('fl');
    for (const key of ['other', 'run'] as const) {
      const r = typingKey(t, key);
      expect(r.run).toBe(true);
      expect(visibleText(r.typing!)).toBe('flux get sources oci');
    }
    expect(typingKey(t, 'cancel')).toEqual({ run: false });
  });

  it('type-on-key: each key types the next chunk; Enter/→ finishes and runs; mashing past the end does nothing', () => {
    let t = startTyping('git log', { kind: 'keys', perKey: 3 });
    expect(runsWhenTyped(t)).toBe(false);
    // Time does not type in this mode.
    expect(typeUntil(t, 60_000)).toBe(t);
    expect(nextCharAt(t)).toBeUndefined();
    let r = typingKey(t, 'other');
    expect([visibleText(r.typing!), r.run]).toEqual(['git', false]);
    t = r.typing!;
    r = typingKey(t, 'other');
    expect([visibleText(r.typing!), r.run]).toEqual(['git lo', false]);
    r = typingKey(r.typing!, 'other');
    expect([visibleText(r.typing!), r.run]).toEqual(['git log', false]);
    expect(isTyped(r.typing!)).toBe(true);
    r = typingKey(r.typing!, 'other');
    expect([visibleText(r.typing!), r.run]).toEqual(['git log', false]);
    r = typingKey(r.typing!, 'run');
    expect(r.run).toBe(true);
    // Enter in the middle: the rest appears and the step runs.
    r = typingKey(t, 'run');
    expect([visibleText(r.typing!), r.run]).toEqual(['git log', true]);
    expect(() => startTyping('x', { kind: 'keys', perKey: 0 })).toThrow(/at least 1/);
  });
});

describe('run flags for typing', () => {
  it('present types by default at 40 ms a character; 0 turns it off; other modes never type', () => {
    expect(typingModeFor({}, 'present')).toEqual({ kind: 'timed', msPerChar: 40, jitter: 0.3 });
    expect(typingModeFor({ typeSpeed: '15' }, 'present')).toEqual({ kind: 'timed', msPerChar: 15, jitter: 0.3 });
    expect(typingModeFor({ typeSpeed: '0' }, 'present')).toBeUndefined();
    expect(typingModeFor({ typeOnKey: true }, 'present')).toEqual({ kind: 'keys', perKey: 3 });
    expect(typingModeFor({}, 'workshop')).toBeUndefined();
    expect(typingModeFor({}, 'tour')).toBeUndefined();
  });

  it.each([
    [{ typeSpeed: 'fast' }, 'present', /--type-speed expects milliseconds per character.*got "fast"/],
    [{ typeSpeed: '-5' }, 'present', /--type-speed expects/],
    [{ typeSpeed: '' }, 'present', /--type-speed expects/],
    [{ typeSpeed: '9000' }, 'present', /0 \(typing off\) to 2000/],
    [{ typeSpeed: '20', typeOnKey: true }, 'present', /exclusive/],
    [{ typeOnKey: true }, 'workshop', /--type-on-key applies to --mode present, not workshop/],
    [{ typeSpeed: '20' }, 'tour', /--type-speed applies to --mode present, not tour/],
  ] as const)('bad flags %o in %s: a clear error', (flags, mode, message) => {
    expect(() => typingModeFor(flags, mode)).toThrow(message);
  });
});
