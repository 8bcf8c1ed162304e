/**
 * `--record <file.cast>`: records what the terminal shows during a run (stdout teed) with
 * a marker at each step start. Returns a stop function that restores stdout and closes the file.
 */
import type { Runner } from '../engine/runner.js';
import { CastRecorder, stepMarker, teeStream } from './recorder.js';

export function recordRun(runner: Runner, file: string, opts: { stream?: NodeJS.WriteStream; now?: () => number } = {}): () => void {
  const stream = opts.stream ?? process.stdout;
  const recorder = new CastRecorder(file, {
    width: stream.columns ?? 80,
    height: stream.rows ?? 24,
    title: runner.scenario.title,
    ...(opts.now ? { now: opts.now } : {}),
  });
  const titles = runner.scenario.steps.map((s) => s.title);
  const off = runner.on((e) => {
    if (e.type === 'step.start' && e.via !== 'check') recorder.marker(stepMarker(e.index, titles[e.index] ?? `step ${e.index + 1}`));
  });
  const untee = teeStream(stream, recorder);
  return () => {
    off();
    untee();
    recorder.close();
  };
}
