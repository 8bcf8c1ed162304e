import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { cutToWidth, recordedBanner } from '../../src/commands/replay.js';

describe('replay banner', () => {
  it('says RECORDED with the date in UTC and the title', () => {
    expect(recordedBanner('Hello, ocilab', Date.UTC(2026, 10, 27, 21, 12) / 1000)).toBe('RECORDED 2026-11-27 21:12 UTC — Hello, ocilab');
    expect(recordedBanner(undefined, undefined)).toBe('RECORDED date unknown');
  });

  it('is cut to the terminal width (wide characters counted by width), with …', () => {
    expect(cutToWidth('short', 20)).toBe('short');
    const long = recordedBanner('Git vs OCI — the same manifests, two ways, and a very long subtitle', 0);
    const cut = cutToWidth(long, 60);
    expect(stringWidth(cut)).toBeLessThanOrEqual(60);
    expect(cut.endsWith('…')).toBe(true);
    expect(stringWidth(cutToWidth('日本語のタイトル', 7))).toBeLessThanOrEqual(7);
  });
});

describe('player', () => {
  it('going back (p) clears the screen and writes the RECORDED banner again before the replayed output', async () => {
    const { playCast } = await import('../../src/record/player.js');
    const cast = {
      header: { version: 2 as const, width: 80, height: 24 },
      events: [
        { time: 0, code: 'o' as const, data: 'one ' },
        { time: 0.01, code: 'm' as const, data: '1. A' },
        { time: 0.02, code: 'o' as const, data: 'two ' },
        { time: 0.03, code: 'm' as const, data: '2. B' },
        { time: 0.04, code: 'o' as const, data: 'three' },
      ],
    };
    const writes: string[] = [];
    let press: (keys: string) => void = () => undefined;
    const done = playCast(cast as never, { write: (t) => void writes.push(t), onKeys: (l) => ((press = l), () => undefined) }, { banner: 'BANNER\r\n' });
    press('n'); // up to and including marker 1
    press('n'); // up to and including marker 2
    press('p'); // back to the start of step 1: redraw
    press('q');
    await done;
    const text = writes.join('');
    expect(text).toContain('\u001b[2J\u001b[3J\u001b[HBANNER\r\none ');
    expect(text.indexOf('BANNER')).toBeGreaterThan(text.indexOf('two '));
  });

  it('pinned lines are drawn over the top rows after every write but the last, the cursor saved and restored; then the end line', async () => {
    const { playCast, pinLines } = await import('../../src/record/player.js');
    expect(pinLines(['A', 'B'])).toBe('\u001b7\u001b[1;1HA\u001b[K\u001b[2;1HB\u001b[K\u001b8');
    const cast = {
      header: { version: 2 as const, width: 80, height: 24 },
      events: [
        { time: 0, code: 'o' as const, data: 'one ' },
        { time: 0.01, code: 'm' as const, data: '1. A' },
        { time: 0.02, code: 'o' as const, data: 'two ' },
      ],
    };
    const writes: string[] = [];
    await playCast(cast as never, { write: (t) => void writes.push(t), onKeys: () => () => undefined }, { exitAtEnd: true, idleLimit: 0, pinned: ['PIN'], endLine: '\r\nEND' });
    const pin = pinLines(['PIN']);
    // The last write reaches the end: no pin over what it drew (a summary), the end line below it.
    expect(writes).toEqual(['one ', pin, 'two ', '\r\nEND']);
  });
});

