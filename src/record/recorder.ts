/**
 * Writes an asciicast v2 file while a run goes: output chunks as "o" events, one "m" marker
 * per step start. The header is written on open, each event appended as it comes, so a
 * crash leaves a valid, truncated recording. File mode 0600 (a run may print secrets' names).
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { formatEvent, formatHeader, type CastHeader } from './asciicast.js';

export interface RecorderOptions {
  width: number;
  height: number;
  title?: string;
  env?: Record<string, string>;
  /** Milliseconds clock; injectable for tests. */
  now?: () => number;
}

export class CastRecorder {
  private fd: number | undefined;
  private readonly startMs: number;
  private readonly now: () => number;
  private lastTime = 0;

  constructor(readonly file: string, opts: RecorderOptions) {
    this.now = opts.now ?? Date.now;
    this.startMs = this.now();
    const header: CastHeader = {
      version: 2,
      width: opts.width,
      height: opts.height,
      timestamp: Math.floor(this.startMs / 1000),
      ...(opts.title !== undefined ? { title: opts.title } : {}),
      env: opts.env ?? { SHELL: process.env.SHELL ?? '/bin/sh', TERM: process.env.TERM ?? 'xterm-256color' },
    };
    this.fd = openSync(file, 'w', 0o600);
    writeSync(this.fd, formatHeader(header));
  }

  /** Seconds since the start, never going backwards. */
  private time(): number {
    const t = Math.max(this.lastTime, (this.now() - this.startMs) / 1000);
    this.lastTime = t;
    return t;
  }

  /** Lone "\n" become "\r\n", as a terminal's output processing would show them. */
  output(data: string): void {
    if (this.fd === undefined || data === '') return;
    writeSync(this.fd, formatEvent({ time: this.time(), code: 'o', data: data.replace(/\r?\n/g, '\r\n') }));
  }

  marker(label: string): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, formatEvent({ time: this.time(), code: 'm', data: label }));
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/** The marker label for step `index` (0-based): "3. Title", so a player's list reads well. */
export function stepMarker(index: number, title: string): string {
  return `${index + 1}. ${title}`;
}

/**
 * Tees everything written to `stream` into the recorder; returns the undo. Used in the
 * interactive mode so the recording holds exactly what the terminal showed.
 */
export function teeStream(stream: NodeJS.WriteStream, recorder: CastRecorder): () => void {
  const original = stream.write.bind(stream);
  const patched = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : '';
    recorder.output(text);
    return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
  stream.write = patched;
  return () => {
    if (stream.write === patched) stream.write = original;
  };
}
