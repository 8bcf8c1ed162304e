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
