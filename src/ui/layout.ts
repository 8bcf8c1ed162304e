/**
 * Row budget of the live area (Ink pitfalls #1 and #2): the whole frame is `rows - 1`
 * tall, so Ink never falls back to clearing the terminal, and each region gets a fixed
 * share. Pure, so the arithmetic is tested without rendering.
 */
export interface LayoutInput {
  columns: number;
  rows: number;
  steps: number;
  measurements: number;
  /** Rows taken by a confirmation prompt above the status bar. */
  prompt: number;
}

export interface Layout {
  /** Side-by-side: step list left, everything else right. */
  wide: boolean;
  frameHeight: number;
  /** Rows between header and status bar. */
  bodyHeight: number;
  stepsWidth: number;
  stepsHeight: number;
  mainWidth: number;
  /** Rows for narration + result + output (in wide mode: the right column minus measurements). */
  mainHeight: number;
  measurementsHeight: number;
  /** The output pane never gets fewer rows than this (title rule included). */
  minOutput: number;
}

export const HEADER_ROWS = 2;
export const STATUS_ROWS = 1;
export const WIDE_FROM_COLUMNS = 100;

export function planLayout({ columns, rows, steps, measurements, prompt }: LayoutInput): Layout {
  const frameHeight = Math.max(8, rows - 1);
  const bodyHeight = Math.max(3, frameHeight - HEADER_ROWS - STATUS_ROWS - prompt);
  const wide = columns >= WIDE_FROM_COLUMNS;
  const stepsWidth = wide ? Math.min(42, Math.floor(columns * 0.32)) : columns;
  const mainWidth = wide ? columns - stepsWidth - 1 : columns;
  const stepsHeight = wide ? bodyHeight : Math.min(steps, Math.max(3, Math.floor(bodyHeight * 0.3)));
  const restHeight = wide ? bodyHeight : bodyHeight - stepsHeight;
  const measurementsHeight =
    measurements === 0 ? 0 : Math.min(measurements + 2, Math.max(4, Math.floor(restHeight * 0.3)));
  const mainHeight = Math.max(2, restHeight - measurementsHeight);
  const minOutput = Math.min(mainHeight - 1, Math.max(3, Math.floor(mainHeight * 0.35)));
  return {
    wide,
    frameHeight,
    bodyHeight,
    stepsWidth,
    stepsHeight,
    mainWidth,
    mainHeight,
    measurementsHeight,
    minOutput,
  };
}
