/**
 * The keys, as data: the status bar, the help overlay and the input handler all read this
 * list, so what the screen says is what the keys do.
 */
import type { Key } from 'ink';
import type { Mode } from '../engine/events.js';
import type { TypingKey, TypingMode } from '../present/typing.js';

export type Command =
  | 'next'
  | 'back'
  | 'retry'
  | 'skip'
  | 'check'
  | 'hint'
  | 'pause'
  | 'goto'
  | 'log'
  | 'bars'
  | 'wire'
  | 'scroll'
  | 'help'
  | 'redraw'
  | 'quit'
  | 'interrupt'
  | 'fallback';

export interface Binding {
  command: Command;
  /** How the keys are written on screen. */
  keys: string;
  /** Short label for the status bar; absent for keys only the help lists. */
  short?: string;
  help: string;
  /** Only offered in these modes (default: every mode). */
  modes?: Mode[];
  match: (input: string, key: Key) => boolean;
}

export const bindings: Binding[] = [
  {
    command: 'pause',
    keys: 'space',
    short: 'pause',
    help: 'tour mode: pause or resume the countdown to the next step',
    modes: ['tour'],
    match: (input) => input === ' ',
  },
  {
    command: 'next',
    keys: '→ space n',
    short: 'next',
    help: 'run the next step (tour mode: play on until a failure)',
    match: (input, key) => key.rightArrow || input === ' ' || input === 'n',
  },
  {
    command: 'back',
    keys: '← p',
    short: 'back',
    help: 'show the previous step again (does not re-run it)',
    match: (input, key) => key.leftArrow || input === 'p',
  },
  {
    command: 'retry',
    keys: 'r',
    short: 'retry',
    help: 'run the current step again',
    match: (input, key) => input === 'r' && !key.ctrl,
  },
  {
    command: 'skip',
    keys: 's',
    short: 'skip',
    help: "skip the step: runs its solve so later steps still work",
    match: (input, key) => input === 's' && !key.ctrl,
  },
  {
    command: 'check',
    keys: 'c',
    short: 'check',
    help: 'check your work on this step (says what is wrong)',
    modes: ['workshop'],
    match: (input, key) => input === 'c' && !key.ctrl,
  },
  {
    command: 'hint',
    keys: 'h',
    short: 'hint',
    help: 'show the next hint of this step',
    modes: ['workshop'],
    match: (input, key) => input === 'h' && !key.ctrl,
  },
  {
    command: 'goto',
    keys: 'g',
    short: 'goto',
    help: 'pick a step from the index',
    match: (input, key) => input === 'g' && !key.ctrl,
  },
  {
    command: 'log',
    keys: 'l',
    short: 'log',
    help: 'full output log (scroll with ↑ ↓ PgUp PgDn, Esc closes)',
    match: (input, key) => input === 'l' && !key.ctrl,
  },
  {
    command: 'bars',
    keys: 'b',
    help: 'measurements as bars, growing run by run: median, fastest and slowest run per method (time, bytes, server and client CPU, memory, requests), b or Esc closes',
    match: (input, key) => input === 'b' && !key.ctrl,
  },
  {
    command: 'wire',
    keys: 'w',
    help: "what travels: the Git server's and the registry's requests side by side, w or Esc closes",
    match: (input, key) => input === 'w' && !key.ctrl,
  },
  {
    command: 'scroll',
    keys: '↑ ↓ k j',
    help: 'scroll a narration that does not fit (PgUp PgDn: a page); its pane says ↓ more / ↑ more',
    match: (input, key) => key.upArrow || key.downArrow || key.pageUp || key.pageDown || ((input === 'k' || input === 'j') && !key.ctrl),
  },
  {
    command: 'help',
    keys: '?',
    short: 'help',
    help: 'this help',
    match: (input) => input === '?',
  },
  {
    command: 'redraw',
    keys: 'Ctrl-L',
    help: 'redraw the screen',
    match: (input, key) => key.ctrl && input === 'l',
  },
  {
    command: 'quit',
    keys: 'q',
    short: 'quit',
    help: 'quit: ends the run (asks first while a step is running, then stops it); cleans up',
    match: (input, key) => input === 'q' && !key.ctrl,
  },
  {
    command: 'interrupt',
    keys: 'Ctrl-C',
    help: 'stop now: aborts the running step, cleans up, exits 130',
    match: (input, key) => key.ctrl && input === 'c',
  },
  {
    command: 'pause',
    keys: '.',
    help: 'pause or resume the talk timer (the notes screen shows PAUSED)',
    modes: ['present'],
    match: (input, key) => input === '.' && !key.ctrl,
  },
  {
    command: 'fallback',
    keys: 'f',
    help: "print this step's output from the rehearsal recording (labelled RECORDED), when live fails",
    modes: ['present'],
    match: (input, key) => input === 'f' && !key.ctrl,
  },
];

export function bindingsFor(mode: Mode): Binding[] {
  return bindings.filter((b) => !b.modes || b.modes.includes(mode));
}

/** The command a key press means in this mode, if any. */
export function commandFor(mode: Mode, input: string, key: Key): Command | undefined {
  return bindingsFor(mode).find((b) => b.match(input, key))?.command;
}

/**
 * Present mode, while a step's command is being typed: what each key does to the line
 * (src/present/typing.ts decides; these say which key is which). Checked in order, the
 * last matches any key. `keys` undefined: in that typing mode the key does what "any key"
 * does, so the help does not list it apart. Ctrl-C is the interrupt binding above.
 */
export interface TypingBinding {
  key: TypingKey;
  keys: (mode: TypingMode) => string | undefined;
  help: (mode: TypingMode) => string;
  match: (input: string, key: Key) => boolean;
}

export const typingBindings: TypingBinding[] = [
  {
    key: 'cancel',
    keys: () => 'Esc',
    help: () => 'stops typing; the step does not run (→ types it again)',
    match: (_input, key) => key.escape,
  },
  {
    key: 'run',
    keys: (m) => (m.kind === 'keys' ? '→ ⏎' : undefined),
    help: () => 'finishes the line and runs the step',
    match: (_input, key) => key.return || key.rightArrow,
  },
  {
    key: 'other',
    keys: (m) => (m.kind === 'keys' ? 'other keys' : 'any key'),
    help: (m) => (m.kind === 'keys' ? `type the next ${m.perKey} characters` : 'finishes the line at once and runs the step'),
    match: () => true,
  },
];

/** What a key press does to the line being typed. */
export function typingKeyFor(input: string, key: Key): TypingKey {
  return typingBindings.find((b) => b.match(input, key))!.key;
}

/** The help's heading for typing: how the command lines are typed in this run. */
export function typingHeading(mode: TypingMode | undefined): string {
  if (!mode) return 'Typing off (--type-speed 0): → runs the step at once';
  if (mode.kind === 'keys') return `While a command types (--type-on-key, ${mode.perKey} characters a key):`;
  const jitter = mode.jitter ? ` ±${Math.round(mode.jitter * 100)}%` : '';
  return `While a command types (--type-speed ${mode.msPerChar}: ${mode.msPerChar} ms a character${jitter}):`;
}

/** The typing keys the help lists for this typing mode (none when typing is off). */
export function typingHelp(mode: TypingMode | undefined): { keys: string; help: string }[] {
  if (!mode) return [];
  return typingBindings.flatMap((b) => {
    const keys = b.keys(mode);
    return keys === undefined ? [] : [{ keys, help: b.help(mode) }];
  });
}
