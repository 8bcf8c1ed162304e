/**
 * The rehearsal report (pure): each step's duration against its budget and the total
 * against the talk's slot, folded from the runner's events.
 */
import type { RunEvent, StepStatus } from '../engine/events.js';
import { formatDuration } from '../engine/duration.js';

export interface RehearsalRow {
  index: number;
  title: string;
  status: StepStatus;
  durationMs: number;
  budgetMs?: number;
}

export interface Rehearsal {
  rows: RehearsalRow[];
  totalMs: number;
  budgetMs?: number;
}

export function foldRehearsal(events: readonly RunEvent[]): Rehearsal {
  const rows: RehearsalRow[] = [];
  let budgetMs: number | undefined;
  for (const e of events) {
    if (e.type === 'run.start') {
      budgetMs = e.scenario.budgetMs;
      e.steps.forEach((s, index) => rows.push({ index, title: s.title, status: 'pending', durationMs: 0, ...(s.budgetMs !== undefined ? { budgetMs: s.budgetMs } : {}) }));
    } else if (e.type === 'step.end' && rows[e.index]) {
      const row = rows[e.index]!;
      row.status = e.status;
      row.durationMs += e.durationMs;
    }
  }
  return { rows, totalMs: rows.reduce((n, r) => n + r.durationMs, 0), ...(budgetMs !== undefined ? { budgetMs } : {}) };
}

export function overBudget(r: Rehearsal): RehearsalRow[] {
  return r.rows.filter((row) => row.budgetMs !== undefined && row.durationMs > row.budgetMs);
}

function ms(n: number | undefined): string {
  return n === undefined ? '—' : formatDuration(n);
}

/** A plain table (no colour: it is pasted into notes and CI logs). */
export function rehearsalTable(r: Rehearsal): string {
  const head = ['#', 'step', 'status', 'took', 'budget', ''];
  const body = r.rows.map((row) => [
    String(row.index + 1),
    row.title.length > 40 ? row.title.slice(0, 39) + '…' : row.title,
    row.status,
    ms(row.durationMs),
    ms(row.budgetMs),
    row.budgetMs !== undefined && row.durationMs > row.budgetMs ? `OVER by ${formatDuration(row.durationMs - row.budgetMs)}` : '',
  ]);
  const total = ['', 'total', '', ms(r.totalMs), ms(r.budgetMs), r.budgetMs !== undefined && r.totalMs > r.budgetMs ? `OVER by ${formatDuration(r.totalMs - r.budgetMs)}` : ''];
  const all = [head, ...body, total];
  const widths = head.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 || c === 3 || c === 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  return [line(head), ...body.map(line), line(total)].join('\n') + '\n';
}
