/**
 * The projector theme (`run --theme projector`): the live area is at most 100 columns wide
 * and centred on wide terminals, with spacing rows on tall ones; no grey, dim, yellow, cyan
 * or bright-white text; NO_COLOR still means no colour at all. Frames at 80, 120 and 200
 * columns, from the real app, runner and store.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Rendered } from './render.js';
import type { TestRun } from './run-store.js';

// chalk decides its colour level when first imported, and the test worker's stdout is not a
// terminal: force colour before Ink loads (modules are evaluated per test file), so the
// frames carry real SGR codes and the colour assertions below can fail.
process.env.FORCE_COLOR = '1';
const { frameBox, PROJECTOR_MAX_COLUMNS } = await import('../../src/ui/layout.js');
const { RunApp } = await import('../../src/ui/RunApp.js');
const { createTheme, ThemeContext } = await import('../../src/ui/theme.js');
const { KEY, renderAt } = await import('./render.js');
const { SCENARIO, startRun, until } = await import('./run-store.js');

vi.setConfig({ testTimeout: 60_000 });

let run: TestRun | undefined;
let ui: Rendered | undefined;
afterEach(async () => {
  ui?.instance.unmount();
  await run?.dispose();
  ui = undefined;
  run = undefined;
});

function mount(size: { columns: number; rows: number }, color: boolean) {
  run = startRun(SCENARIO, 'present');
  ui = renderAt(
    <ThemeContext.Provider value={createTheme(color, 'projector')}>
      <RunApp store={run.store} onExit={() => undefined} />
    </ThemeContext.Provider>,
    size,
  );
  return { ui, run };
}

/** SGR parameters of every escape in the raw frames. */
const sgrCodes = (raw: string): number[] =>
  [...raw.matchAll(/\x1b\[([0-9;]*)m/g)].flatMap((m) => m[1]!.split(';').filter(Boolean).map(Number));

describe('frameBox', () => {
  test('default: the whole terminal; projector: capped at 100, centred, padded, spacing from 30 rows', () => {
    expect(frameBox(200, 50, false)).toEqual({ left: 0, width: 200, gap: 0 });
    expect(frameBox(80, 24, true)).toEqual({ left: 1, width: 78, gap: 0 });
    expect(frameBox(100, 30, true)).toEqual({ left: 2, width: 96, gap: 1 });
    expect(frameBox(120, 40, true)).toEqual({ left: 12, width: 96, gap: 1 });
    expect(frameBox(200, 50, true)).toEqual({ left: 52, width: 96, gap: 1 });
    // The outer box (margin included) never exceeds the cap and sits in the middle.
    for (const columns of [100, 101, 137, 200, 333]) {
      const b = frameBox(columns, 40, true);
      const right = columns - b.left - b.width;
      expect(b.width + 4).toBeLessThanOrEqual(PROJECTOR_MAX_COLUMNS);
      expect(Math.abs(right - b.left)).toBeLessThanOrEqual(1);
    }
  });
});

describe.each([
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
  { columns: 200, rows: 50 },
])('projector at $columns x $rows', (size) => {
  test('the live area is capped, centred and bounded; every row readable', async () => {
    const { ui } = mount(size, false);
    const f = ui.frame;
    await until(() => f().includes('→ runs 1/3'), 'ready', f);
    await ui.press(KEY.right);
    await until(() => /✓ +1 Print two lines/.test(f()) && f().includes('  second'), 'step 1 passed with its output', f);
    const box = frameBox(size.columns, size.rows, true);
    const live = ui.live();
    // Exactly rows - 1 tall (the terminal never scrolls), nothing wider than the box.
    expect(live).toHaveLength(size.rows - 1);
    for (const row of live) {
      if (row.trim() === '') continue;
      expect(row.slice(0, box.left).trim(), `left margin of: ${row}`).toBe('');
      expect(row.length, `right edge of: ${row}`).toBeLessThanOrEqual(box.left + box.width);
    }
    const margin = ' '.repeat(box.left);
    // The header spans the box: title at its left edge, the clock at its right edge.
    expect(live[0]).toMatch(new RegExp(`^${margin}UI test run +⏱ 00:0\\d / 01:00$`));
    expect(live[0]!.length).toBe(box.left + box.width);
    expect(live[1]).toMatch(new RegExp(`^${margin}step 1/3 · target local · mode present +→ goes to 2/3$`));
    // Spacing rows on tall terminals, after the header and above the key bar.
    if (box.gap) {
      expect(live[2]).toBe('');
      expect(live.at(-2)).toBe('');
    }
    expect(live.at(-1)).toMatch(new RegExp(`^${margin}→ next {2}← back .* q quit$`));
    // Centred: the space left of the header equals the space right of it (±1).
    expect(Math.abs(size.columns - live[0]!.length - box.left)).toBeLessThanOrEqual(size.columns > PROJECTOR_MAX_COLUMNS ? 1 : 0);
    expect(f()).toMatch(new RegExp(`^${margin}›✓ +1 Print two lines`, 'm'));
    // The transcript above the live area is indented the same way.
    expect(f()).toMatch(new RegExp(`^${margin}✓ passed +1/3 Print two lines`, 'm'));
  });
});

const isColour = (n: number) => (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 107);

describe('projector colours', () => {
  test.each([true, false])('colour %s: only green/red/blue/magenta marks, never grey, yellow, cyan, white or dim; NO_COLOR: none', async (color) => {
    const { ui } = mount({ columns: 120, rows: 40 }, color);
    await until(() => ui.frame().includes('→ runs 1/3'), 'ready', ui.frame);
    await ui.press(KEY.right);
    await until(() => /✓ +1 Print two lines/.test(ui.frame()), 'step 1 passed', ui.frame);
    await ui.press(' ', 'n');
    await until(() => /✗ +2 Fail on purpose/.test(ui.frame()), 'step 2 failed', ui.frame);
    const codes = sgrCodes(ui.stdout.frames.join(''));
    // Bold is there either way (the frames are styled, not plain).
    expect(codes).toContain(1);
    if (!color) return expect(codes.filter(isColour)).toEqual([]);
    // ✓ green and ✗ red are there; none of the washed-out colours, no dim (2).
    expect(codes).toContain(32);
    expect(codes).toContain(31);
    for (const bad of [2, 33, 36, 37, 90, 93, 96, 97]) expect(codes, `SGR ${bad}`).not.toContain(bad);
  });

  test('the palette has no grey, yellow, cyan, bright white or dim; text is the default foreground', () => {
    const t = createTheme(true, 'projector');
    const used = [t.accent, t.heading, t.code, t.muted, t.warn, t.error, t.stderr, t.info, t.key, ...Object.values(t.status).map((s) => s.color)].filter(Boolean);
    expect(used.length).toBeGreaterThan(0);
    for (const colour of used) expect(colour).not.toMatch(/gr[ae]y|yellow|cyan|white|dim|Bright/i);
    // Text, headings, commands and secondary text: the terminal's own foreground (bold for emphasis).
    expect([t.muted, t.heading, t.code, t.accent, t.info]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    // Colour off: nothing at all.
    const off = createTheme(false, 'projector');
    expect([off.warn, off.error, off.stderr, ...Object.values(off.status).map((s) => s.color)].filter(Boolean)).toEqual([]);
    // The default theme keeps its look.
    expect(createTheme(true).muted).toBe('gray');
  });
});
