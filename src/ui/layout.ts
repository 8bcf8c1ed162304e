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
  /** Empty rows after the header and above the key bar (projector spacing). */
  gap?: number;
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

export function planLayout({ columns, rows, steps, measurements, prompt, gap = 0 }: LayoutInput): Layout {
  const frameHeight = Math.max(8, rows - 1);
  const bodyHeight = Math.max(3, frameHeight - HEADER_ROWS - STATUS_ROWS - prompt - 2 * gap);
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

/** Where the live area sits in the terminal: columns from the left, its width, spacing rows. */
export interface FrameBox {
  left: number;
  width: number;
  /** Empty rows after the header and above the key bar. */
  gap: number;
}

/** The projector theme's frame is at most this wide (presenterm's max_columns idea). */
export const PROJECTOR_MAX_COLUMNS = 100;

/**
 * Default: the whole terminal. Projector: at most PROJECTOR_MAX_COLUMNS wide, centred,
 * with a margin inside (1 column, 2 from 100 on) and a spacing row after the header and
 * above the key bar once the terminal has 30 rows.
 */
export function frameBox(columns: number, rows: number, projector: boolean): FrameBox {
  if (!projector) return { left: 0, width: columns, gap: 0 };
  const outer = Math.min(columns, PROJECTOR_MAX_COLUMNS);
  const pad = outer >= PROJECTOR_MAX_COLUMNS ? 2 : 1;
  return { left: Math.floor((columns - outer) / 2) + pad, width: Math.max(20, outer - 2 * pad), gap: rows >= 30 ? 1 : 0 };
}
