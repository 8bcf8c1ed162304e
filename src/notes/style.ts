/**
 * The notes screen's lines (src/notes/view.ts, plain) as the terminal shows them, in the
 * chosen theme: the same palette roles as the app (src/ui/theme.ts: default, or projector
 * derived from it) and, for the projector, the same frame (capped at 100 columns, centred).
 * Pure: the command writes the result. NO_COLOR: bold only.
 */
import { painter } from '../plain/color.js';
import type { Theme } from '../ui/palette.js';

export interface NotesFrame {
  /** Columns left of the notes. */
  left: number;
}

type Format = Parameters<ReturnType<typeof painter>>[0];

/** Each line styled by what it is: header, step title, rules, alerts (PAUSED, OVER, GONE). */
export function styleNotes(lines: readonly string[], theme: Theme, frame: NotesFrame): string[] {
  const paint = painter(true);
  const style = (text: string, bold: boolean, colour: string | undefined): string => {
    const formats = [...(bold ? ['bold'] : []), ...(theme.color && colour ? [colour] : [])] as Format[];
    return formats.length === 0 ? text : paint(formats as never, text);
  };
  const pad = ' '.repeat(frame.left);
  return lines.map((line, i) => {
    let out: string;
    if (/\[(PAUSED|PRESENTER GONE)\]|OVER by/.test(line)) out = style(line, true, theme.warn);
    else if (i === 0) out = style(line, true, theme.heading);
    else if (/^─+$/.test(line)) out = style(line, false, theme.muted);
    else if (i === 1 || line.startsWith('Next: ')) out = style(line, true, theme.accent);
    else out = line;
    return pad + out;
  });
}
