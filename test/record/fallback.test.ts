import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCast, parseCast, type Cast } from '../../src/record/asciicast.js';
import { fallbackText, stepSegment } from '../../src/record/fallback.js';

const cast: Cast = {
  header: { version: 2, width: 80, height: 24, timestamp: 1_767_225_600 },
  events: [
    { time: 0, code: 'o', data: 'start\r\n' },
    { time: 1, code: 'm', data: '1. Intro' },
    { time: 1.1, code: 'o', data: '\u001b[32mhello\u001b[0m\r\n' },
    { time: 2, code: 'm', data: '2. Demo' },
    { time: 2.1, code: 'o', data: 'first try\r\n' },
    { time: 3, code: 'm', data: '2. Demo' },
    { time: 3.1, code: 'o', data: 'second try\r\n' },
    { time: 4, code: 'm', data: '3. End' },
    { time: 4.1, code: 'o', data: 'bye\r\n' },
  ],
};
const dir = mkdtempSync(join(tmpdir(), 'ocilab-fallback-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recorded fallback', () => {
  it("cuts a step's output between its last marker and the next step's, without escapes", () => {
    expect(stepSegment(cast, 0)).toBe('hello\n');
    expect(stepSegment(cast, 1)).toBe('second try\n');
    expect(stepSegment(cast, 2)).toBe('bye\n');
    expect(stepSegment(cast, 5)).toBeUndefined();
  });

  it('labels it RECORDED with the date, and says what to do when there is no recording', () => {
    const file = join(dir, 'talk.cast');
    writeFileSync(file, formatCast(cast));
    expect(parseCast(formatCast(cast))).toEqual(cast);
    const text = fallbackText('talk', 0, file);
    expect(text.split('\n')[0]).toBe('━━ RECORDED 2026-01-01 00:00 UTC · step 1 · not live ━━');
    expect(text).toContain('hello\n');
    expect(fallbackText('talk', 0, join(dir, 'none.cast'))).toMatch(/run `ocilab rehearse talk` first/);
    expect(fallbackText('talk', 7, file)).toMatch(/no recorded fallback for step 8/);
  });
});
