/**
 * The --plain reporter: one timestamped line per run, step, action, output line and
 * measurement, for CI logs and recordings. Subscribes to the runner's events.
 */
import { formatDuration } from '../engine/duration.js';
import type { RunEvent, RunEventListener, StepInfo } from '../engine/events.js';
import { painter } from './color.js';

export interface PlainReporterOptions {
  write: (text: string) => void;
  color: boolean;
}

/** 17:27:00.123 (UTC), stable across machines. */
function stamp(at: number): string {
  return new Date(at).toISOString().slice(11, 23);
}

export function plainReporter(opts: PlainReporterOptions): RunEventListener {
  const paint = painter(opts.color);
  let steps: StepInfo[] = [];
  let startedAt = 0;
  let budgetMs: number | undefined;
  let title = '';
  const measured: string[] = [];
  /** Optional steps whose latest attempt failed: they do not fail the run, the last line says so. */
  const optionalFailed = new Set<number>();
  const line = (at: number, text: string) => opts.write(`${paint('dim', stamp(at))} ${text}\n`);
  const label = (i: number) => `[${i + 1}/${steps.length}] ${steps[i]?.id ?? '?'}`;

  return (e: RunEvent) => {
    switch (e.type) {
      case 'run.start': {
        steps = e.steps;
        startedAt = e.at;
        budgetMs = e.scenario.budgetMs;
        title = e.scenario.id;
        const params = Object.entries(e.params).map(([k, v]) => `${k}=${v}`).join(' ');
        line(
          e.at,
          `${paint('bold', `run ${e.scenario.id}`)}: ${e.scenario.title} (${e.steps.length} steps, target ${e.target}, mode ${e.mode}` +
            `${budgetMs !== undefined ? `, budget ${formatDuration(budgetMs)}` : ''}${params ? `, ${params}` : ''})`,
        );
        return;
      }
      case 'step.focus':
      case 'step.text':
        return;
      case 'step.start': {
        const via = e.via === 'run' ? '' : ` (${e.via === 'solve' ? 'skipping: solve' : 'check only'})`;
        const again = e.attempt > 1 ? ` attempt ${e.attempt}` : '';
        line(e.at, `${paint('cyan', label(e.index))} ${steps[e.index]?.title ?? ''}${via}${again}`);
        return;
      }
      case 'action.start':
        line(e.at, `  ${paint('dim', '$')} ${e.display}`);
        return;
      case 'output': {
        const mark = e.stream === 'stderr' ? paint('yellow', '!') : e.stream === 'info' ? paint('dim', '·') : paint('dim', '|');
        line(e.at, `  ${mark} ${e.line}`);
        return;
      }
      case 'action.end':
        if (!e.ok) line(e.at, `  ${paint('red', 'x')} ${e.action} failed after ${formatDuration(e.durationMs)}: ${e.message ?? ''}`);
        return;
      case 'measurement': {
        const m = e.measurement;
        // One run of a repeated measurement: the action logs one line per run; its summary follows.
        if (m.sample) return;
        const text = `${m.method} ${m.metric} = ${m.value} ${m.unit}${m.method_note ? ` (${m.method_note})` : ''}`;
        measured.push(`${steps[e.index]?.id ?? '?'}: ${text}`);
        line(e.at, `  ${paint('magenta', '#')} ${text}`);
        return;
      }
      case 'step.end': {
        const budget = steps[e.index]?.budgetMs;
        const over = budget !== undefined && e.durationMs > budget ? paint('yellow', ` over budget ${formatDuration(budget)}`) : '';
        const word =
          e.status === 'passed'
            ? paint('green', 'passed')
            : e.status === 'skipped'
              ? paint('yellow', 'skipped')
              : e.status === 'interrupted'
                ? paint('magenta', 'interrupted')
                : paint('red', 'FAILED');
        const optional = e.status === 'failed' && steps[e.index]?.optional === true;
        line(
          e.at,
          `${paint('cyan', label(e.index))} ${word}${optional ? ' (optional)' : ''} in ${formatDuration(e.durationMs)}${over}${e.message ? `: ${e.message}` : ''}`,
        );
        if (optional) {
          optionalFailed.add(e.index);
          line(e.at, `  ${paint('yellow', 'optional step failed, continuing')}`);
        } else optionalFailed.delete(e.index);
        return;
      }
      case 'run.end': {
        const took = formatDuration(e.at - startedAt);
        const budget = budgetMs !== undefined ? ` (budget ${formatDuration(budgetMs)})` : '';
        const word = e.status === 'passed' ? paint('green', 'passed') : e.status === 'failed' ? paint('red', 'FAILED') : paint('yellow', 'interrupted');
        const n = optionalFailed.size;
        const optional = n > 0 ? `, ${n} optional step${n === 1 ? '' : 's'} failed` : '';
        line(e.at, `${paint('bold', `run ${title}`)} ${word} in ${took}${budget}${optional}`);
        // The figures of this run again, together, for whoever reads the log afterwards.
        if (measured.length > 0) opts.write(`measurements (${measured.length}):\n${measured.map((m) => `  ${m}\n`).join('')}`);
        return;
      }
    }
  };
}
