/**
 * Fake typing of a step's `show` command (demo-magic style): a schedule of when each
 * character appears at `cps` characters per second with slight jitter, or one chunk per key
 * ("type on any keypress"). Pure and deterministic: the random source is injected.
 * Not yet wired into the Ink shell (see docs/present.md).
 */
export interface TypingOptions {
  /** Characters per second (--type-speed). */
  cps: number;
  /** Relative jitter of each key's delay, 0..1 (0.3: ±30%). */
  jitter?: number;
  /** Returns [0, 1); inject a seeded one in tests. */
  random?: () => number;
}

/** Milliseconds after the start at which character i (0-based) is visible. */
export function typingSchedule(text: string, opts: TypingOptions): number[] {
  if (!(opts.cps > 0)) throw new Error(`typing speed must be positive, got ${opts.cps}`);
  const base = 1000 / opts.cps;
  const jitter = Math.min(1, Math.max(0, opts.jitter ?? 0.3));
  const random = opts.random ?? Math.random;
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < text.length; i++) {
    t += base * (1 + jitter * (2 * random() - 1));
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

/** Type-on-key: each key press shows the next `perKey` characters. */
export function typedOnKeys(length: number, keys: number, perKey = 3): number {
  return Math.min(length, Math.max(0, keys) * perKey);
}

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
