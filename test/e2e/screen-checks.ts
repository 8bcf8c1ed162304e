/**
 * Checks on a captured tmux screen of the run UI that hold at every size and step.
 */
import { frameBox, planLayout } from '../../src/ui/layout.js';

export interface ScreenSize {
  columns: number;
  rows: number;
  projector?: boolean;
}

/**
 * The body rows of the step on screen: right of the step list (wide) or from the step's
 * title rule down (narrow), without the frame's left margin. The first is the rule.
 */
export function bodyRows(screen: string, size: ScreenSize, steps: number): string[] {
  const box = frameBox(size.columns, size.rows, size.projector === true);
  const layout = planLayout({ columns: box.width, rows: size.rows, steps, measurements: 0, prompt: 0, gap: box.gap });
  const rows = screen.replace(/\n$/, '').split('\n').slice(0, size.rows - 2 - box.gap);
  const rule = rows.findIndex((row) => /── \d+ \S/.test(row));
  if (rule < 0) return [];
  const left = box.left + (layout.wide ? layout.stepsWidth + 1 : 0);
  return rows.slice(rule).map((row) => row.slice(left));
}

/**
 * Rows that lost their first character: Ink writes every body row from the body's first
 * column, so a row starting with exactly one space and then text is a row whose first
 * character was overwritten (the 100x30 "ocal reconciler" bug). Code, list continuations,
 * output and measurements are indented by two or more.
 */
export function rowsMissingFirstChar(screen: string, size: ScreenSize, steps: number): string[] {
  return bodyRows(screen, size, steps).filter((row) => /^ \S/.test(row));
}

/** Markdown markup the app renders away (bold, italics), for comparing screen text with the YAML. */
export function plainProse(markdown: string): string {
  return markdown.replace(/\*\*|(?<![\w*])\*(?!\s)|(?<!\s)\*(?![\w*])/g, '').replace(/\s+/g, ' ').trim();
}
