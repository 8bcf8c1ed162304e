/**
 * The notes screen as plain lines (pure): current step's notes, next step's title, talk and
 * step time against their budgets, wall clock, PAUSED. The command redraws it every second.
 */
import stringWidth from 'string-width';
import type { NotesSnapshot } from './snapshot.js';

export function clock(ms: number): string {
  const neg = ms < 0;
  const s = Math.floor(Math.abs(ms) / 1000);
  const text = `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return neg ? `-${text}` : text;
}

function wallClock(now: number): string {
  const d = new Date(now);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

function budgetLine(label: string, elapsed: number, budget: number | undefined): string {
  if (budget === undefined) return `${label} ${clock(elapsed)}`;
  const left = budget - elapsed;
  return `${label} ${clock(elapsed)} / ${clock(budget)}   ${left >= 0 ? `${clock(left)} left` : `OVER by ${clock(-left)}`}`;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      // Columns, not UTF-16 units: a wide character (CJK, emoji) takes two.
      if (line !== '' && stringWidth(line) + 1 + stringWidth(word) > width) {
        out.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    out.push(line);
  }
  return out;
}

/** Elapsed times advanced to `now` unless paused (the snapshot holds them as of sentAt). */
export function advance(s: NotesSnapshot, now: number): { talk: number; step: number } {
  const d = s.paused || s.ended ? 0 : Math.max(0, now - s.sentAt);
  return { talk: s.elapsedMs + d, step: s.stepElapsedMs + d };
}

export function notesLines(s: NotesSnapshot | undefined, now: number, width: number, waiting: boolean): string[] {
  const w = Math.max(20, Math.min(width, 100));
  const rule = '─'.repeat(w);
  if (!s) return [`NOTES${' '.repeat(Math.max(1, w - 13))}${wallClock(now)}`, rule, 'Waiting for a presentation… (ocilab run <scenario> --mode present)'];
  const t = advance(s, now);
  const state = s.ended ? 'ENDED' : s.paused ? 'PAUSED' : waiting ? 'PRESENTER GONE' : '';
  const head = `NOTES · ${s.scenario}`;
  return [
    `${head}${' '.repeat(Math.max(1, w - stringWidth(head) - 8))}${wallClock(now)}`,
    `Step ${s.index + 1}/${s.count} · ${s.title}${state ? `   [${state}]` : ''}`,
    rule,
    ...(s.notes ? wrap(s.notes, w) : ['(no notes for this step)']),
    rule,
    `Next: ${s.nextTitle ?? '(last step)'}`,
    budgetLine('Talk', t.talk, s.budgetMs),
    // After ← the clock is still the focused step's: say which.
    budgetLine(s.current !== undefined && s.current !== s.index ? `Step ${s.current + 1}` : 'Step', t.step, s.stepBudgetMs),
  ];
}
