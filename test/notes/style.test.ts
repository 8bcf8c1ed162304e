/**
 * The notes screen in a theme: the projector's frame (capped, centred) and palette (no grey,
 * yellow, cyan, white or dim), the default's colours; NO_COLOR: bold only, no colour.
 */
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import { expect, test } from 'vitest';
import type { NotesSnapshot } from '../../src/notes/snapshot.js';
import { styleNotes } from '../../src/notes/style.js';
import { notesLines } from '../../src/notes/view.js';
import { frameBox } from '../../src/ui/layout.js';
import { createTheme } from '../../src/ui/palette.js';

const snap: NotesSnapshot = {
  scenario: 'Git vs OCI — the same manifests, two ways',
  index: 3,
  count: 8,
  title: 'Deliver it from Git (GitRepository)',
  notes: 'Point at the request log (w) — ref advertisement, want/have, packfile.',
  nextTitle: 'Publish the same manifests as an OCI artifact (OCIRepository)',
  elapsedMs: 65_000,
  stepElapsedMs: 130_000,
  budgetMs: 20 * 60_000,
  stepBudgetMs: 2 * 60_000,
  paused: true,
  ended: false,
  sentAt: 0,
} as NotesSnapshot;

const sgr = (text: string): number[] => [...text.matchAll(/\u001B\[([\d;]*)m/g)].flatMap((m) => m[1]!.split(';').map(Number));

test('projector: centred within 100 columns on a 200-column terminal, only safe colours', () => {
  const box = frameBox(200, 50, true);
  const lines = styleNotes(notesLines(snap, 0, box.width, false), createTheme(true, 'projector'), box);
  const plain = lines.map((l) => stripVTControlCharacters(l));
  for (const row of plain) {
    expect(row.slice(0, box.left).trim()).toBe('');
    expect(row.length).toBeLessThanOrEqual(box.left + box.width);
  }
  expect(plain[1]!.trim()).toBe('Step 4/8 · Deliver it from Git (GitRepository)   [PAUSED]');
  const codes = sgr(lines.join('\n'));
  expect(codes).toContain(1);
  for (const bad of [2, 33, 36, 37, 90, 93, 96, 97]) expect(codes, `SGR ${bad}`).not.toContain(bad);
  // PAUSED and OVER are the warning colour (magenta, the default's yellow shaded).
  expect(lines[1]).toContain('\u001B[35m');
});

test('default: the whole width from column 0, the default palette (grey rules)', () => {
  const lines = styleNotes(notesLines(snap, 0, 120, false), createTheme(true), { left: 0 });
  expect(stripVTControlCharacters(lines[0]!)).toMatch(/^NOTES · Git vs OCI/);
  expect(lines[2]).toContain('\u001B[90m');
});

test('NO_COLOR: bold only', () => {
  const box = frameBox(200, 50, true);
  const lines = styleNotes(notesLines(snap, 0, box.width, false), createTheme(false, 'projector'), box);
  expect(sgr(lines.join('\n')).filter((n) => n !== 1 && n !== 22)).toEqual([]);
});

test('wide characters wrap by columns, not string length', () => {
  const lines = notesLines({ ...snap, notes: '表示 '.repeat(15).trim() }, 0, 20, false);
  for (const line of lines.slice(3, 7)) expect(stringWidth(line), line).toBeLessThanOrEqual(20);
  expect(lines[3]).toBe('表示 表示 表示 表示');
});
