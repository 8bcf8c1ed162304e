/**
 * The help lists every key the mode honours, generated from the key map: the bindings of
 * the mode and, in present mode, the keys while a command is being typed (with the typing
 * speed), and at 80x24 nothing is cut off (unframed when the frame does not fit).
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { Mode } from '../../src/engine/events.js';
import { DEFAULT_JITTER, DEFAULT_MS_PER_CHAR, DEFAULT_PER_KEY, type TypingMode } from '../../src/present/typing.js';
import { HelpOverlay } from '../../src/ui/components/HelpOverlay.js';
import { bindingsFor, typingBindings, typingHeading, typingHelp } from '../../src/ui/keymap.js';
import { planLayout } from '../../src/ui/layout.js';
import { createTheme, ThemeContext } from '../../src/ui/theme.js';
import { renderAt, frameShows, type Rendered } from './render.js';

let r: Rendered | undefined;
afterEach(() => r?.instance.unmount());

async function help(mode: Mode, size: { columns: number; rows: number }, typing?: { mode: TypingMode | undefined }) {
  const height = planLayout({ ...size, steps: 8, measurements: 0, prompt: 0 }).bodyHeight;
  r = renderAt(
    <ThemeContext.Provider value={createTheme(false)}>
      <HelpOverlay mode={mode} height={height} {...(typing ? { typing } : {})} />
    </ThemeContext.Provider>,
    size,
  );
  const rows = (await frameShows(r, 'Marks')).split('\n');
  expect(rows.length).toBeLessThanOrEqual(height);
  return rows;
}

/** A row that starts with `keys` (after an optional frame) in the key column. */
const listed = (rows: string[], keys: string) => rows.some((row) => row.replace(/^│ /, '').startsWith(keys.padEnd(12)) || row.replace(/^│ /, '').startsWith(`${keys} `));

const timed: TypingMode = { kind: 'timed', msPerChar: DEFAULT_MS_PER_CHAR, jitter: DEFAULT_JITTER };
const keys: TypingMode = { kind: 'keys', perKey: DEFAULT_PER_KEY };

describe.each([
  { columns: 80, rows: 24 },
  { columns: 100, rows: 30 },
])('help at $columns x $rows', (size) => {
  test.each([timed, keys])('present mode, typing $kind: every binding and every typing key', async (typingMode) => {
    const rows = await help('present', size, { mode: typingMode });
    const text = rows.join('\n');
    for (const b of bindingsFor('present')) expect(listed(rows, b.keys), `${b.keys} missing:\n${text}`).toBe(true);
    for (const t of typingHelp(typingMode)) {
      expect(listed(rows, t.keys), `${t.keys} missing:\n${text}`).toBe(true);
      expect(text).toContain(t.help.slice(0, 30));
    }
    expect(text).toContain(typingHeading(typingMode));
    expect(text).toMatch(/Marks +· pending +▶ running/);
  });

  test('present mode, typing off: says so', async () => {
    const text = (await help('present', size, { mode: undefined })).join('\n');
    expect(text).toContain('Typing off (--type-speed 0)');
  });

  test.each<Mode>(['workshop', 'tour'])('%s mode: its bindings, no typing section', async (mode) => {
    const rows = await help(mode, size);
    for (const b of bindingsFor(mode)) expect(listed(rows, b.keys), `${b.keys} missing:\n${rows.join('\n')}`).toBe(true);
    expect(rows.join('\n')).not.toContain('While a command types');
  });
});

test('typing keys: the speed is in the heading; type-on-key says how many characters a key types', () => {
  expect(typingHeading(timed)).toBe(`While a command types (--type-speed ${DEFAULT_MS_PER_CHAR}: ${DEFAULT_MS_PER_CHAR} ms a character ±30%):`);
  expect(typingHelp(timed).map((t) => t.keys)).toEqual(['Esc', 'any key']);
  expect(typingHelp(keys).map((t) => t.keys)).toEqual(['Esc', '→ ⏎', 'other keys']);
  expect(typingHelp(keys).at(-1)!.help).toBe(`type the next ${DEFAULT_PER_KEY} characters`);
  // The last binding catches every other key.
  expect(typingBindings.at(-1)!.match('x', {} as never)).toBe(true);
});
