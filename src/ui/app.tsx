/**
 * PLACEHOLDER — the UI engineer replaces this file with the Ink app (branch `ui`).
 * It exists so the foundation branch builds and `ocilab run` works on a TTY.
 * Keep the signature: `renderApp(store, opts) => Promise<exit code>`.
 */
import type { TargetName } from '../engine/action.js';
import type { Mode } from '../engine/events.js';
import type { RunStore } from '../store/run-store.js';
import { exitCodeOf } from '../store/run-state.js';

export interface RenderAppOptions {
  mode: Mode;
  target: TargetName;
  /** 0-based index of the step to start from (earlier steps already fast-forwarded). */
  fromStep?: number;
  /** Honour NO_COLOR / FORCE_COLOR (decided by the CLI). */
  color: boolean;
}

export async function renderApp(store: RunStore, _opts: RenderAppOptions): Promise<number> {
  process.stderr.write('ocilab: the interactive UI is not built into this branch yet; running the steps in order.\n');
  const seen = new Set<string>();
  const unsubscribe = store.subscribe((s) => {
    for (const [i, step] of s.steps.entries()) {
      const key = `${i}:${step.attempt}:${step.status}`;
      if (step.status === 'pending' || seen.has(key)) continue;
      seen.add(key);
      process.stdout.write(`${step.status.padEnd(8)} ${step.title}${step.message ? ` — ${step.message}` : ''}\n`);
    }
  });
  if (_opts.fromStep !== undefined) await store.getState().goto(_opts.fromStep, { catchUp: true });
  await store.getState().play();
  store.getState().end();
  unsubscribe();
  return exitCodeOf(store.getState().status);
}
