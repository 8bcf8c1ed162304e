/**
 * The zustand (vanilla) store of one run: folds the runner's events into RunState and
 * exposes actions that call the runner. Free of React: the UI reads it with `useRunSelector`,
 * the plain reporter and tests use it as is.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RunEvent } from '../engine/events.js';
import type { Runner } from '../engine/runner.js';
import { foldEvent, initialRunState, type RunState } from './run-state.js';

export interface RunActions {
  /** Runs the focused step if pending; else moves to the next step (ends the run after the last). */
  next(): Promise<void>;
  /** Re-display the previous step (nothing runs); next() from there returns to the focused step. */
  back(): void;
  /** Re-display step `index` (nothing runs). */
  view(index: number): void;
  /** Runs the focused step again. */
  retry(): Promise<void>;
  /** Skips the focused step by running its solve. */
  skip(): Promise<void>;
  /** Focuses step `index`; with catchUp, earlier pending steps are solved first. */
  goto(index: number, opts?: { catchUp?: boolean }): Promise<void>;
  /** Runs only the focused step's check (workshop: "did I get it right?"). */
  check(): Promise<void>;
  /** Runs the remaining steps in order; stops at a failure with the run still open (tour mode). */
  play(): Promise<void>;
  /** Ends the run now (not an interrupt): passed only if every step passed or was skipped. */
  end(): void;
  /** Interrupts the running step and ends the run as interrupted (exit code 130). */
  quit(): void;
  /** Workshop: reveal one more hint of the focused step. */
  hint(): void;
  /** Show a line for the user (workshop notices). */
  notify(text: string | undefined): void;
}

export type RunStoreState = RunState & RunActions;
export type RunStore = StoreApi<RunStoreState>;

export function createRunStore(runner: Runner): RunStore {
  const store = createStore<RunStoreState>()((set, get) => ({
    ...initialRunState(),
    next: async () => {
      const s = get();
      // After back(), "next" first walks the display forward again without running anything.
      if (s.viewing < s.current) {
        set({ viewing: s.viewing + 1 });
        return;
      }
      await runner.next();
    },
    back: () => set((s) => ({ viewing: Math.max(0, s.viewing - 1) })),
    view: (index) => set((s) => ({ viewing: Math.min(Math.max(0, index), Math.max(0, s.steps.length - 1)) })),
    retry: async () => {
      await runner.retry();
    },
    skip: async () => {
      await runner.skip();
    },
    goto: async (index, opts) => {
      if (opts?.catchUp) await runner.fastForward(index);
      else runner.goto(index);
    },
    check: async () => {
      await runner.check();
    },
    play: async () => {
      await runner.play();
    },
    end: () => {
      runner.finish();
    },
    quit: () => runner.abort(),
    hint: () =>
      set((s) => {
        const step = s.steps[s.current];
        if (!step || !step.hints?.length) return {};
        const steps = s.steps.slice();
        steps[s.current] = { ...step, hintsShown: Math.min(step.hints.length, (step.hintsShown ?? 0) + 1) };
        return { steps };
      }),
    notify: (text) => set(text === undefined ? { notice: undefined } : { notice: text }),
  }));
  runner.on((event: RunEvent) => store.setState((s) => foldEvent(s, event)));
  return store;
}
