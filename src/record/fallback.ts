/**
 * The `f` key in present mode: a step's output from the rehearsal recording, labelled as a
 * recording ("RECORDED <date>"), for when the live step cannot run on stage.
 */
import { readFileSync } from 'node:fs';
import { markersOf, outputBetween, parseCast, type Cast } from './asciicast.js';
import { rehearsalFile } from './recordings.js';

// CSI/OSC sequences and other escapes: the segment is shown as text in the app's own frame.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Step `index` (0-based)'s output: from its last marker (a retry re-marks) to the next step's marker. */
export function stepSegment(cast: Cast, index: number): string | undefined {
  const prefix = `${index + 1}. `;
  const markers = markersOf(cast);
  const mine = markers.filter((m) => m.label.startsWith(prefix));
  const start = mine[mine.length - 1];
  if (!start) return undefined;
  const end = markers.find((m) => m.index > start.index && !m.label.startsWith(prefix));
  return outputBetween(cast, start.time, end?.time ?? Infinity)
    .replace(ANSI, '')
    .replace(/\r\n/g, '\n');
}

export function recordedLabel(timestamp: number | undefined): string {
  const when = timestamp !== undefined ? new Date(timestamp * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'date unknown';
  return `RECORDED ${when}`;
}

/** The text to print for `f`, or a one-line reason when there is no recording of that step. */
export function fallbackText(scenarioId: string, index: number, file = rehearsalFile(scenarioId)): string {
  let cast: Cast;
  try {
    cast = parseCast(readFileSync(file, 'utf8'), file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `no recorded fallback: run \`ocilab rehearse ${scenarioId}\` first (looked for ${file})\n` : `no recorded fallback: ${(err as Error).message}\n`;
  }
  const segment = stepSegment(cast, index);
  if (segment === undefined) return `no recorded fallback for step ${index + 1} in ${file}\n`;
  const banner = `━━ ${recordedLabel(cast.header.timestamp)} · step ${index + 1} · not live ━━`;
  return `${banner}\n${segment.endsWith('\n') ? segment : segment + '\n'}━━ end of recording ━━\n`;
}
