/** The loading frame's text (src/ui/loading-text.ts): what both the early ANSI frame and Ink's show. */
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, test } from 'vitest';
import { fitWidth, LOADING_MESSAGE, loadingLines, widthBound } from '../../src/ui/loading-text.js';

describe('loadingLines', () => {
  test('without colour: the scenario, then the message, no escape sequence', () => {
    expect(loadingLines('hello', { color: false, columns: 100 })).toEqual(['hello', LOADING_MESSAGE]);
  });

  test('with colour: the scenario bold, the message dimmed', () => {
    const [name, message] = loadingLines('hello', { color: true, columns: 100 });
    expect(name).toBe('\x1b[1mhello\x1b[22m');
    expect(message).toBe(`\x1b[2m${LOADING_MESSAGE}\x1b[22m`);
  });

  test('a line wider than the terminal is cut to leave the last column free, so it never wraps', () => {
    const lines = loadingLines(`./scenarios/${'x'.repeat(80)}.yaml`, { color: true, columns: 40 });
    for (const l of lines) expect(widthBound(stripVTControlCharacters(l))).toBeLessThanOrEqual(39);
    expect(stripVTControlCharacters(lines[0]!)).toMatch(/^\.\/scenarios\/x+…$/);
    expect(stripVTControlCharacters(lines[1]!)).toMatch(/^loading the scenario.*…$/);
  });

  test('control characters in a scenario path cannot move the cursor', () => {
    expect(loadingLines('a\x1b[2Jb\rc\n', { color: false })[0]).toBe('a?[2Jb?c?');
  });

  test('an unknown width cuts nothing', () => {
    expect(loadingLines('y'.repeat(300), { color: false })[0]).toBe('y'.repeat(300));
  });
});

describe('widthBound and fitWidth', () => {
  test('ASCII counts one column, anything else two (the most a terminal gives a code point)', () => {
    expect(widthBound('abc')).toBe(3);
    expect(widthBound('日本')).toBe(4);
    expect(widthBound('é…')).toBe(4);
  });

  test('a cut keeps the bound, "…" included', () => {
    expect(fitWidth('short', 10)).toBe('short');
    expect(fitWidth('abcdefghijkl', 10)).toBe('abcdefgh…');
    expect(widthBound(fitWidth('日本語のシナリオ名', 9))).toBeLessThanOrEqual(9);
  });
});
