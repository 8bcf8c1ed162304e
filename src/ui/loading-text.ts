/**
 * The text of the loading frame of `ocilab run <scenario>` on a terminal: the scenario as
 * named, then what is loading. Pure; written twice: as plain ANSI before Ink is imported
 * (src/ui/early-frame.ts), then by Ink (src/ui/loading.tsx), which takes over the same lines.
 */
export const LOADING_MESSAGE = 'loading the scenario, its actions and the target…';

export interface LoadingTextOptions {
  color: boolean;
  /** The terminal's width; lines are cut to fit in it. Unknown: not cut. */
  columns?: number;
}

// C0 and C1 controls and DEL: a scenario path from the command line must not move the cursor.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * The most columns `text` can take: 1 for printable ASCII, 2 for anything else (the widest a
 * terminal draws a code point). An upper bound, so a cut line never wraps (which would leave a
 * line behind when the frame is erased by counting lines); a non-ASCII name may be cut early.
 */
export function widthBound(text: string): number {
  let n = 0;
  for (const ch of text) n += ch.charCodeAt(0) < 0x7f ? 1 : 2;
  return n;
}

/** `text` cut (with "…") so that widthBound is at most `max`. */
export function fitWidth(text: string, max: number): string {
  if (widthBound(text) <= max) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = ch.charCodeAt(0) < 0x7f ? 1 : 2;
    if (used + w > max - 2) break; // room for "…" (counted as 2)
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/** The frame's lines, without line ends: the scenario in bold, the message dimmed (when colour is on). */
export function loadingLines(scenario: string, opts: LoadingTextOptions): string[] {
  // SGR bold / dim and their reset (22), written here: node:util's styleText would also check process.stdout.
  const bold = (t: string) => (opts.color ? `\x1b[1m${t}\x1b[22m` : t);
  const dim = (t: string) => (opts.color ? `\x1b[2m${t}\x1b[22m` : t);
  // The last column stays free: some terminals wrap as soon as a line fills the width.
  const fit = (text: string) => (opts.columns !== undefined && opts.columns > 0 ? fitWidth(text, Math.max(opts.columns - 1, 3)) : text);
  return [bold(fit(scenario.replace(CONTROLS, '?'))), dim(fit(LOADING_MESSAGE))];
}
