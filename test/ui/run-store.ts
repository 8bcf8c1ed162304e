/** A real run for UI tests: a scenario parsed by the engine, the real runner and store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildActionRegistry } from '../../src/all-actions.js';
import { CleanupRegistry } from '../../src/process/cleanup.js';
import { Runner } from '../../src/engine/runner.js';
import { parseScenario } from '../../src/engine/scenario-load.js';
import { createRunStore, type RunStore } from '../../src/store/run-store.js';

export interface TestRun {
  store: RunStore;
  runner: Runner;
  cleanup: CleanupRegistry;
  dispose: () => Promise<void>;
}

export function startRun(yaml: string, mode: 'present' | 'workshop' | 'tour' = 'present'): TestRun {
  const dir = mkdtempSync(join(tmpdir(), 'ocilab-ui-'));
  const registry = buildActionRegistry();
  const scenario = parseScenario(yaml, join(dir, 'scenario.yaml'), registry);
  const cleanup = new CleanupRegistry();
  const runner = new Runner({ scenario, registry, cleanup, mode });
  const store = createRunStore(runner);
  runner.start();
  return {
    store,
    runner,
    cleanup,
    dispose: async () => {
      runner.abort();
      await cleanup.runAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Poll until `check` holds (frames arrive asynchronously); fails with the last frame. */
export async function until(check: () => boolean, what: string, frame: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const SCENARIO = `
id: ui-test
title: UI test run
summary: Three steps for the UI tests.
targets: [local]
budget: 1m
steps:
  - id: one
    title: Print two lines
    say: "**Bold** narration with \`code\`."
    run:
      - shell: echo first; echo second
  - id: two
    title: Fail on purpose
    say: This one fails.
    show: exit 3
    hint:
      - Exit code 3 is on purpose.
      - Press s to skip it.
    run:
      - shell: echo "about to fail" >&2; exit 3
    solve:
      - shell: echo solved by solve
  - id: three
    title: Sleep a while
    run:
      - shell: echo sleeping; sleep 30
`;
