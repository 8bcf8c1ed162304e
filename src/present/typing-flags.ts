/**
 * `run --type-speed <ms>` / `--type-on-key`: which typing present mode uses. Typing is on by
 * default in present mode (DEFAULT_MS_PER_CHAR); `--type-speed 0` turns it off. Other modes
 * never type. The plain runner (--plain, not a TTY, CI) and `rehearse` never render the
 * app, so they never type either.
 */
import type { Mode } from '../engine/events.js';
import { DEFAULT_JITTER, DEFAULT_MS_PER_CHAR, DEFAULT_PER_KEY, type TypingMode } from './typing.js';

export interface TypingFlags {
  typeSpeed?: string;
  typeOnKey?: boolean;
}

/** The typing for this run, or undefined (off). Throws a message naming the flag on bad input. */
export function typingModeFor(flags: TypingFlags, mode: Mode): TypingMode | undefined {
  if (mode !== 'present' && (flags.typeSpeed !== undefined || flags.typeOnKey)) {
    throw new Error(`${flags.typeOnKey ? '--type-on-key' : '--type-speed'} applies to --mode present, not ${mode}`);
  }
  let msPerChar = DEFAULT_MS_PER_CHAR;
  if (flags.typeSpeed !== undefined) {
    const text = flags.typeSpeed.trim();
    msPerChar = Number(text);
    if (text === '' || !Number.isFinite(msPerChar) || msPerChar < 0 || msPerChar > 2000) {
      throw new Error(`--type-speed expects milliseconds per character, 0 (typing off) to 2000, got "${flags.typeSpeed}"`);
    }
  }
  if (flags.typeOnKey) {
    if (flags.typeSpeed !== undefined) throw new Error('--type-on-key and --type-speed are exclusive: keys set the pace with --type-on-key');
    return { kind: 'keys', perKey: DEFAULT_PER_KEY };
  }
  if (mode !== 'present' || msPerChar === 0) return undefined;
  return { kind: 'timed', msPerChar, jitter: DEFAULT_JITTER };
}
