/**
 * asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line, then one
 * `[time, code, data]` line per event; times are absolute seconds from the start. We write
 * "o" (output) and "m" (marker, one per step) and read every code asciinema writes.
 */
export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  timestamp?: number;
  duration?: number;
  idle_time_limit?: number;
  command?: string;
  title?: string;
  env?: Record<string, string>;
}

export type CastCode = 'o' | 'i' | 'm' | 'r';
export interface CastEvent {
  time: number;
  code: CastCode;
  data: string;
}

export interface Cast {
  header: CastHeader;
  events: CastEvent[];
}

export class CastParseError extends Error {
  constructor(where: string, what: string) {
    super(`${where}: ${what}`);
    this.name = 'CastParseError';
  }
}

/** Seconds with microsecond precision, as asciinema writes them. */
function roundTime(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

export function formatHeader(header: CastHeader): string {
  return JSON.stringify(header) + '\n';
}

export function formatEvent(event: CastEvent): string {
  return JSON.stringify([roundTime(event.time), event.code, event.data]) + '\n';
}

export function formatCast(cast: Cast): string {
  return formatHeader(cast.header) + cast.events.map(formatEvent).join('');
}

const CODES = new Set<string>(['o', 'i', 'm', 'r']);

/** Parses a whole file; `name` says where in error messages. Unknown event codes are kept out. */
export function parseCast(text: string, name = 'recording'): Cast {
  const lines = text.split('\n');
  const first = lines[0] ?? '';
  let header: unknown;
  try {
    header = JSON.parse(first);
  } catch {
    throw new CastParseError(`${name}:1`, 'not an asciicast file (the first line is not a JSON header)');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new CastParseError(`${name}:1`, 'the header is not a JSON object');
  }
  const h = header as Record<string, unknown>;
  if (h.version !== 2) throw new CastParseError(`${name}:1`, `asciicast version ${String(h.version)} is not supported (only 2)`);
  if (!isPositiveInt(h.width) || !isPositiveInt(h.height)) {
    throw new CastParseError(`${name}:1`, 'the header needs positive integer width and height');
  }
  const events: CastEvent[] = [];
  let last = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch {
      throw new CastParseError(`${name}:${i + 1}`, 'an event line is not valid JSON');
    }
    if (!Array.isArray(ev) || ev.length !== 3 || typeof ev[0] !== 'number' || typeof ev[1] !== 'string' || typeof ev[2] !== 'string') {
      throw new CastParseError(`${name}:${i + 1}`, 'an event must be [time, code, data]');
    }
    const [time, code, data] = ev as [number, string, string];
    if (!(time >= 0)) throw new CastParseError(`${name}:${i + 1}`, `negative time ${time}`);
    if (time < last) throw new CastParseError(`${name}:${i + 1}`, `time goes backwards (${time} after ${last})`);
    last = time;
    if (!CODES.has(code)) continue;
    events.push({ time, code: code as CastCode, data });
  }
  return { header: h as unknown as CastHeader, events };
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** The markers of a cast in order, with their index in `events`. */
export function markersOf(cast: Cast): { index: number; time: number; label: string }[] {
  const out: { index: number; time: number; label: string }[] = [];
  cast.events.forEach((e, index) => {
    if (e.code === 'm') out.push({ index, time: e.time, label: e.data });
  });
  return out;
}

/** The concatenated output between two times (what `asciinema cat` prints for that span). */
export function outputBetween(cast: Cast, from: number, to = Infinity): string {
  return cast.events
    .filter((e) => e.code === 'o' && e.time >= from && e.time < to)
    .map((e) => e.data)
    .join('');
}
