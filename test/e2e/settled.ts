/**
 * A screen capture that is a whole frame. The app redraws its live area with one write, but
 * tmux (3.3 has no synchronized-output mode 2026) may draw a large write in pieces, so a
 * capture taken mid-redraw shows the new top rows over a half-erased bottom (a torn frame:
 * the key bar row empty, as if the live area were too tall). Capturing until two consecutive
 * captures agree returns a frame tmux finished drawing; what the tests assert on it is unchanged.
 */
const SETTLE_MS = 30;
const MAX_TRIES = 10;
const pause = new Int32Array(new SharedArrayBuffer(4));

export function settledCapture(capture: () => string): string {
  let last = capture();
  for (let i = 0; i < MAX_TRIES; i++) {
    Atomics.wait(pause, 0, 0, SETTLE_MS);
    const next = capture();
    if (next === last) return next;
    last = next;
  }
  // Still changing after ~0.4 s (a typing line, a ticking clock): the last capture, as before.
  return last;
}
