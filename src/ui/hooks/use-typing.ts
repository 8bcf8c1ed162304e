/**
 * Present mode's typing effect, driven for the Ink app: `→` on a step that has not run yet
 * types its `show` command (src/present/typing.ts decides what each key and each moment
 * does), then the step runs. State lives in refs so keys arriving in one burst act in
 * order; `rerender` shows it.
 */
import { useCallback, useEffect, useReducer, useRef } from 'react';
import {
  isTyped,
  nextCharAt,
  runsWhenTyped,
  startTyping,
  typeUntil,
  typingKey,
  visibleText,
  type Typing,
  type TypingKey,
  type TypingMode,
} from '../../present/typing.js';

export interface TypingSettings {
  mode: TypingMode;
  /** Jitter source; a seeded one in tests. */
  random?: () => number;
}

export interface TypingControl {
  /** A line is being typed: keys go to typing(). */
  active: boolean;
  /** Step being typed and the text visible so far. */
  current?: { index: number; text: string; done: boolean };
  /** The step's command has been typed (or typing is off): show it whole. */
  typed(index: number): boolean;
  /** Start typing `text` for step `index`. */
  begin(index: number, text: string): void;
  /** A key while typing. */
  key(k: TypingKey): void;
  /** Drop the line being typed without running (Ctrl-C). */
  cancel(): void;
  /** Header text while typing ("⌨ typing 2/5 · any key finishes"). */
  label(total: number): string | undefined;
}

export function useTyping(settings: TypingSettings | undefined, run: () => void): TypingControl {
  const line = useRef<{ index: number; typing: Typing; startedAt: number } | null>(null);
  const done = useRef(new Set<number>());
  const [tick, rerender] = useReducer((n: number) => n + 1, 0);
  const runRef = useRef(run);
  runRef.current = run;

  const finish = useCallback((runIt: boolean) => {
    const l = line.current;
    line.current = null;
    if (l && runIt) {
      done.current.add(l.index);
      runRef.current();
    }
    rerender();
  }, []);

  // Timed typing: wake up when the next character is due; when the line is complete, run.
  useEffect(() => {
    const l = line.current;
    if (!l || l.typing.mode.kind !== 'timed') return;
    if (isTyped(l.typing)) return finish(true);
    const due = nextCharAt(l.typing) ?? 0;
    const id = setTimeout(() => {
      const cur = line.current;
      if (cur !== l) return;
      cur.typing = typeUntil(cur.typing, Date.now() - cur.startedAt);
      rerender();
    }, Math.max(0, due - (Date.now() - l.startedAt)));
    return () => clearTimeout(id);
  }, [tick, finish]);

  const l = line.current;
  return {
    active: l !== null,
    ...(l ? { current: { index: l.index, text: visibleText(l.typing), done: isTyped(l.typing) } } : {}),
    typed: (index) => !settings || done.current.has(index),
    begin: (index, text) => {
      if (!settings) return;
      line.current = { index, typing: startTyping(text, settings.mode, settings.random), startedAt: Date.now() };
      rerender();
    },
    key: (k) => {
      const cur = line.current;
      if (!cur) return;
      const r = typingKey(cur.typing, k);
      if (!r.typing) return finish(false);
      cur.typing = r.typing;
      if (r.run) return finish(true);
      if (isTyped(cur.typing) && runsWhenTyped(cur.typing)) return finish(true);
      rerender();
    },
    cancel: () => line.current && finish(false),
    label: (total) => (l ? typingLabel(l.index, total, l.typing) : undefined),
  };
}

function typingLabel(index: number, total: number, t: Typing): string {
  const at = `${index + 1}/${total}`;
  if (t.mode.kind === 'timed') return `⌨ typing ${at} · any key finishes`;
  return isTyped(t) ? `⌨ typed ${at} · ⏎ runs` : `⌨ type ${at} · keys type, ⏎ runs`;
}
