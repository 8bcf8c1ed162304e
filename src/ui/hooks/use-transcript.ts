import { useEffect, useState } from 'react';
import type { StepStatus } from '../../engine/events.js';
import { isFinished, stoppedBefore, type RunSource, type RunStatusLike } from '../run-source.js';

export type TranscriptItem =
  | { kind: 'step'; key: string; index: number; total: number; title: string; status: StepStatus; durationMs?: number; message?: string }
  | { kind: 'run'; key: string; status: RunStatusLike; elapsedMs?: number; stoppedBefore?: { index: number; total: number } };

const FINAL: StepStatus[] = ['passed', 'failed', 'skipped'];

/**
 * Append-only record of finished step attempts and the run's end, for <Static>: each item
 * is printed once above the live area and stays in the scrollback after exit.
 */
export function useTranscript(store: RunSource): TranscriptItem[] {
  const [items, setItems] = useState<TranscriptItem[]>([]);
  useEffect(() => {
    let seq = 0;
    return store.subscribe((state, previous) => {
        const added: TranscriptItem[] = [];
        state.steps.forEach((step, index) => {
          const before = previous.steps[index];
          if (before && step !== before && step.status !== before.status && FINAL.includes(step.status)) {
            added.push({
              kind: 'step',
              key: `step:${seq++}`,
              index,
              total: state.steps.length,
              title: step.title,
              status: step.status,
              durationMs: step.durationMs,
              message: step.message,
            });
          }
        });
        if (state.status !== previous.status && isFinished(state.status)) {
          const elapsedMs =
            state.startedAt !== undefined && state.endedAt !== undefined ? state.endedAt - state.startedAt : undefined;
          const stopped = stoppedBefore(state.status, state.steps);
          added.push({
            kind: 'run',
            key: `run:${state.status}`,
            status: state.status,
            elapsedMs,
            ...(stopped !== undefined ? { stoppedBefore: { index: stopped, total: state.steps.length } } : {}),
          });
        }
        if (added.length > 0) setItems((list) => [...list, ...added]);
    });
  }, [store]);
  return items;
}
