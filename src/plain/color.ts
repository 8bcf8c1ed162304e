/**
 * Whether to write ANSI colour: FORCE_COLOR wins (0 = off, anything else = on), then
 * NO_COLOR (present and non-empty = off), then TERM=dumb (off), then whether the stream is a TTY.
 */
import { styleText } from 'node:util';

export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export type Paint = (format: Parameters<typeof styleText>[0], text: string) => string;

/** A styleText that does nothing when colour is off. */
export function painter(enabled: boolean): Paint {
  return enabled ? (format, text) => styleText(format, text) : (_format, text) => text;
}
