/**
 * Slicing log output BEFORE it reaches React (Ink pitfall #1): the live pane only ever
 * receives the last N terminal rows, counted after wrapping, never the whole log.
 */
import { stripVTControlCharacters } from 'node:util';
import wrapAnsi from 'wrap-ansi';
import type { LogLine } from './view-model.js';

export interface Row {
  text: string;
  stream: LogLine['stream'];
  /** Continuation of a wrapped line (not the first row of it). */
  continued: boolean;
}

/** Wrap one line to `width` columns (ANSI- and wide-character aware). */
export function wrapLine(line: string, width: number, color: boolean): string[] {
  const clean = color ? line : stripVTControlCharacters(line);
  // Tabs and carriage returns would break the row count; progress bars use \r to redraw.
  const lastFrame = clean.split('\r').findLast((segment) => segment !== '') ?? '';
  const text = lastFrame.replace(/\t/g, '    ');
  if (text === '') return [''];
  return wrapAnsi(text, Math.max(1, width), { hard: true, trim: false }).split('\n');
}

/** The last `count` wrapped rows of `lines`, walking backwards so a long log costs O(count). */
export function tailRows(lines: readonly LogLine[], width: number, count: number, color: boolean): Row[] {
  const rows: Row[] = [];
  for (let i = lines.length - 1; i >= 0 && rows.length < count; i--) {
    const entry = lines[i]!;
    const wrapped = wrapLine(entry.line, width, color);
    for (let j = wrapped.length - 1; j >= 0 && rows.length < count; j--) {
      rows.push({ text: wrapped[j]!, stream: entry.stream, continued: j > 0 });
    }
  }
  return rows.reverse();
}

/** All rows of `lines` wrapped to `width`, for the scrollable full-log view. */
export function allRows(lines: readonly LogLine[], width: number, color: boolean): Row[] {
  const rows: Row[] = [];
  for (const entry of lines) {
    wrapLine(entry.line, width, color).forEach((text, j) =>
      rows.push({ text, stream: entry.stream, continued: j > 0 }),
    );
  }
  return rows;
}
