/**
 * Every key press, decided in one pure function: (UI state, key, run facts) -> (new UI
 * state, effect). One handler for the whole app means keys typed faster than React
 * re-renders (a quick "q y", "g 3 Enter", tmux send-keys) act on the latest state,
 * never on a stale closure or an overlay that has not mounted yet.
 */
import type { Key } from 'ink';
import type { Mode } from '../engine/events.js';
import { commandFor } from './keymap.js';

export type Overlay = 'none' | 'help' | 'goto' | 'log' | 'bars' | 'wire' | 'quit';

export interface UiState {
  overlay: Overlay;
  /** Step highlighted in the goto picker, and digits typed there. */
  gotoSelected: number;
  gotoTyped: string;
  /** Full-log view: lines hidden below the view (0 follows the end). */
  logFromEnd: number;
  /** Narration rows scrolled past, for step `step` only: another step shows its narration from the top. */
  narration: { step: number; offset: number };
  /** Set once the user quit; the app leaves when the run has ended. */
  quitting: 'quit' | 'interrupt' | null;
}

export const initialUiState: UiState = {
  overlay: 'none',
  gotoSelected: 0,
  gotoTyped: '',
  logFromEnd: 0,
  narration: { step: 0, offset: 0 },
  quitting: null,
};

export interface RunFacts {
  mode: Mode;
  busy: boolean;
  steps: number;
  viewing: number;
  /** Lines in the full log, and rows of one page of it. */
  logLines: number;
  logPage: number;
  /**
   * How the narration of the step on screen fits (measured by the view): rows below the pane
   * when scrolled to the top, and rows the pane shows. Absent: it fits.
   */
  narration?: { hidden: number; visible: number };
}

export type Effect =
  | { kind: 'next' | 'back' | 'retry' | 'skip' | 'check' | 'redraw' | 'hint' | 'pause' | 'fallback' }
  | { kind: 'goto'; index: number }
  | { kind: 'quit'; how: 'quit' | 'interrupt' };

export interface KeyResult {
  ui: UiState;
  effect?: Effect;
}

export function reduceKey(ui: UiState, input: string, key: Key, run: RunFacts): KeyResult {
  const command = commandFor(run.mode, input, key);
  // Ctrl-C and Ctrl-L work in every view.
  if (command === 'interrupt') return { ui: { ...ui, overlay: 'none', quitting: 'interrupt' }, effect: { kind: 'quit', how: 'interrupt' } };
  if (command === 'redraw') return { ui, effect: { kind: 'redraw' } };
  if (ui.quitting) return { ui };

  switch (ui.overlay) {
    case 'help':
      return key.escape || input === '?' || input === 'q' ? { ui: { ...ui, overlay: 'none' } } : { ui };
    case 'quit':
      return input === 'y' || input === 'q' || key.return
        ? { ui: { ...ui, overlay: 'none', quitting: 'quit' }, effect: { kind: 'quit', how: 'quit' } }
        : { ui: { ...ui, overlay: 'none' } };
    case 'goto':
      return gotoKey(ui, input, key, run);
    case 'log':
      return logKey(ui, input, key, run);
    case 'bars':
    case 'wire':
      return key.escape || input === 'q' || input === ui.overlay[0] ? { ui: { ...ui, overlay: 'none' } } : { ui };
    case 'none':
      break;
  }

  switch (command) {
    case undefined:
      return { ui };
    case 'next':
    case 'retry':
    case 'skip':
    case 'check':
      // The runner ignores these while a step runs; say nothing, do nothing.
      return run.busy ? { ui } : { ui, effect: { kind: command } };
    case 'back':
      return { ui, effect: { kind: 'back' } };
    case 'hint':
    case 'pause':
    case 'fallback':
      return { ui, effect: { kind: command } };
    case 'goto':
      return run.busy ? { ui } : { ui: { ...ui, overlay: 'goto', gotoSelected: run.viewing, gotoTyped: '' } };
    case 'log':
      return { ui: { ...ui, overlay: 'log', logFromEnd: 0 } };
    case 'help':
      return { ui: { ...ui, overlay: 'help' } };
    case 'bars':
    case 'wire':
      return { ui: { ...ui, overlay: command } };
    case 'scroll':
      return scrollNarration(ui, input, key, run);
    case 'quit':
      return run.busy
        ? { ui: { ...ui, overlay: 'quit' } }
        : { ui: { ...ui, quitting: 'quit' }, effect: { kind: 'quit', how: 'quit' } };
  }
}

function gotoKey(ui: UiState, input: string, key: Key, run: RunFacts): KeyResult {
  const last = Math.max(0, run.steps - 1);
  const clamp = (i: number) => Math.max(0, Math.min(last, i));
  if (key.escape || input === 'g' || input === 'q') return { ui: { ...ui, overlay: 'none' } };
  if (key.return) return { ui: { ...ui, overlay: 'none' }, effect: { kind: 'goto', index: ui.gotoSelected } };
  if (key.upArrow || input === 'k') return { ui: { ...ui, gotoSelected: clamp(ui.gotoSelected - 1), gotoTyped: '' } };
  if (key.downArrow || input === 'j') return { ui: { ...ui, gotoSelected: clamp(ui.gotoSelected + 1), gotoTyped: '' } };
  if (key.backspace || key.delete) {
    const typed = ui.gotoTyped.slice(0, -1);
    return { ui: { ...ui, gotoTyped: typed, gotoSelected: typed ? clamp(Number(typed) - 1) : ui.gotoSelected } };
  }
  if (/^[0-9]$/.test(input)) {
    const typed = (ui.gotoTyped + input).slice(-3);
    return { ui: { ...ui, gotoTyped: typed, gotoSelected: clamp(Number(typed) - 1) } };
  }
  return { ui };
}

/** ↑ ↓ (k j) a row, PgUp PgDn a page less one row; between the top and the last row at the bottom. */
function scrollNarration(ui: UiState, input: string, key: Key, run: RunFacts): KeyResult {
  const { hidden, visible } = run.narration ?? { hidden: 0, visible: 0 };
  const page = Math.max(1, visible - 1);
  const from = ui.narration.step === run.viewing ? ui.narration.offset : 0;
  const delta = key.pageUp ? -page : key.pageDown ? page : key.upArrow || input === 'k' ? -1 : 1;
  const offset = Math.max(0, Math.min(hidden, from + delta));
  if (ui.narration.step === run.viewing && offset === ui.narration.offset) return { ui };
  return { ui: { ...ui, narration: { step: run.viewing, offset } } };
}

function logKey(ui: UiState, input: string, key: Key, run: RunFacts): KeyResult {
  const max = Math.max(0, run.logLines - 1);
  const scroll = (delta: number) => ({ ui: { ...ui, logFromEnd: Math.max(0, Math.min(max, ui.logFromEnd + delta)) } });
  if (key.escape || input === 'l' || input === 'q') return { ui: { ...ui, overlay: 'none' } };
  if (key.upArrow || input === 'k') return scroll(1);
  if (key.downArrow || input === 'j') return scroll(-1);
  if (key.pageUp) return scroll(run.logPage);
  if (key.pageDown || input === ' ') return scroll(-run.logPage);
  if (key.home || input === 'g') return { ui: { ...ui, logFromEnd: max } };
  if (key.end || input === 'G') return { ui: { ...ui, logFromEnd: 0 } };
  return { ui };
}

/**
 * Ink hands a burst of printable characters (a paste, or keys that arrived in one read,
 * as tmux send-keys or a fast typist can produce) to the handler as one string. Each
 * character is a key press here.
 */
export function splitKeys(input: string, key: Key): [string, Key][] {
  if (input.length <= 1 || key.ctrl || key.meta) return [[input, key]];
  return [...input].map((ch): [string, Key] => {
    // Enter, Tab and Backspace can ride in the same burst ("3\r" from `g 3 Enter`).
    if (ch === '\r' || ch === '\n') return ['', { ...key, return: true }];
    if (ch === '\t') return ['', { ...key, tab: true }];
    if (ch === '\x7f' || ch === '\b') return ['', { ...key, backspace: true }];
    return [ch, { ...key, shift: /[A-Z]/.test(ch) }];
  });
}
