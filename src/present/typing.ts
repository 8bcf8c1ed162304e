/**
 * Fake typing of a step's `show` command in present mode (demo-magic / doitlive style).
 * Two ways: timed (`--type-speed` ms per character, slight jitter) or one chunk per key
 * press (`--type-on-key`). Pure and deterministic: the random source and the time are
 * passed in; the Ink hook (src/ui/hooks/use-typing.ts) only drives it.
 *
 * The speaker is never blocked: in timed typing any key finishes the line at once (and the
 * step runs); in type-on-key typing Enter or → finishes it and runs. Esc abandons typing.
 */
export type TypingMode =
  | { kind: 'timed'; msPerChar: number; jitter?: number }
  | { kind: 'keys'; perKey: number };

/** Default speed: 40 ms a character (a 40-character command types in about 1.6 s). */
export const DEFAULT_MS_PER_CHAR = 40;
/** Default jitter of each key's delay: ±30 %. */
export const DEFAULT_JITTER = 0.3;
/** Type-on-key: characters shown per key press (doitlive's `speed`). */
export const DEFAULT_PER_KEY = 3;

export interface ScheduleOptions {
  msPerChar: number;
  /** Relative jitter of each key's delay, 0..1 (0.3: ±30%). */
  jitter?: number;
  /** Returns [0, 1); inject a seeded one in tests. */
  random?: () => number;
}

/** Milliseconds after the start at which character i (0-based) is visible. */
export function typingSchedule(text: string, opts: ScheduleOptions): number[] {
  if (!(opts.msPerChar > 0)) throw new Error(`typing speed must be a positive number of ms per character, got ${opts.msPerChar}`);
  const jitter = Math.min(1, Math.max(0, opts.jitter ?? DEFAULT_JITTER));
  const random = opts.random ?? Math.random;
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < text.length; i++) {
    t += opts.msPerChar * (1 + jitter * (2 * random() - 1));
    out.push(Math.round(t));
  }
  return out;
}

/** How many characters are visible `elapsedMs` after typing started. */
export function typedCount(schedule: readonly number[], elapsedMs: number): number {
  let n = 0;
  while (n < schedule.length && schedule[n]! <= elapsedMs) n++;
  return n;
}

/** One line being typed. */
export interface Typing {
  text: string;
  /** Characters visible so far. */
  shown: number;
  mode: TypingMode;
  /** Timed typing: when each character appears (ms after the start). */
  schedule?: readonly number[];
}

export function startTyping(text: string, mode: TypingMode, random: () => number = Math.random): Typing {
  if (mode.kind === 'keys') {
    if (!(mode.perKey >= 1)) throw new Error(`type-on-key needs at least 1 character per key, got ${mode.perKey}`);
    return { text, shown: 0, mode };
  }
  const schedule = typingSchedule(text, { msPerChar: mode.msPerChar, ...(mode.jitter !== undefined ? { jitter: mode.jitter } : {}), random });
  return { text, shown: 0, mode, schedule };
}

export const isTyped = (t: Typing): boolean => t.shown >= t.text.length;

export const visibleText = (t: Typing): string => t.text.slice(0, t.shown);

/** Timed typing: the state `elapsedMs` after the start (type-on-key ignores time). */
export function typeUntil(t: Typing, elapsedMs: number): Typing {
  if (!t.schedule) return t;
  const shown = Math.max(t.shown, typedCount(t.schedule, elapsedMs));
  return shown === t.shown ? t : { ...t, shown };
}

/** Timed typing: ms from the start until the next character appears; undefined when done. */
export function nextCharAt(t: Typing): number | undefined {
  return t.schedule && t.shown < t.schedule.length ? t.schedule[t.shown] : undefined;
}

/** A key press while typing, as the typing model sees it. */
export type TypingKey = 'run' | 'cancel' | 'other';

export interface TypingStep {
  /** The line after the key; undefined when typing was abandoned (Esc). */
  typing?: Typing;
  /** The step should run now. */
  run: boolean;
}

/**
 * What a key does to a line being typed. Timed: any key but Esc finishes the line and runs
 * the step. Type-on-key: Enter/→ ('run') finishes and runs; any other key types the next
 * chunk; once the line is complete, only a run key runs it (extra mashing does nothing).
 */
export function typingKey(t: Typing, key: TypingKey): TypingStep {
  if (key === 'cancel') return { run: false };
  const done = { ...t, shown: t.text.length };
  if (t.mode.kind === 'timed' || key === 'run') return { typing: done, run: true };
  if (isTyped(t)) return { typing: t, run: false };
  return { typing: { ...t, shown: Math.min(t.text.length, t.shown + t.mode.perKey) }, run: false };
}

/** Timed typing finishes by itself and then runs; type-on-key waits for a run key. */
export const runsWhenTyped = (t: Typing): boolean => t.mode.kind === 'timed';

/** A small seeded PRNG (mulberry32) for deterministic jitter. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
