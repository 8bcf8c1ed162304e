/**
 * The loading frame written with plain ANSI before Ink is imported (a good part of the time
 * to the first frame): one write of the lines, and close() moves the cursor back up over
 * exactly those lines and erases from there down, so Ink draws where the frame was.
 */
import type { LoadingFrame } from './loading.js';

/** CSI n A (cursor up n lines), CSI J (erase from the cursor to the end of the screen). */
const cursorUp = (n: number): string => `\x1b[${n}A`;
const ERASE_DOWN = '\x1b[J';

export function writeEarlyFrame(out: Pick<NodeJS.WriteStream, 'write'>, lines: readonly string[]): LoadingFrame {
  out.write(lines.map((l) => `${l}\n`).join(''));
  let shown = true;
  return {
    close() {
      if (!shown) return;
      shown = false;
      out.write(`\r${cursorUp(lines.length)}${ERASE_DOWN}`);
    },
  };
}
