/**
 * Shared by the scenario-loading error tests: a builtins-only registry (so messages listing
 * known actions do not change as areas add theirs), a scenario head, and the ScenarioLoadError
 * message a text or a file gives.
 */
import { expect } from 'vitest';
import { ActionRegistry } from '../../src/engine/action-registry.js';
import { builtinActions } from '../../src/engine/builtins/index.js';
import { loadScenarioFile, parseScenario, ScenarioLoadError } from '../../src/engine/scenario-load.js';

export const builtinRegistry = new ActionRegistry().register(...builtinActions);

/** Every field but steps, five lines: a step written after it starts on line 6. */
export const scenarioHead = 'id: demo\ntitle: Demo\nsummary: A demo.\ntargets: [local]\nbudget: 5m\n';

function loadErrorOf(load: () => unknown): string {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioLoadError);
    return (err as Error).message;
  }
  throw new Error('expected a load error');
}

/** The load error of `text` parsed as bad.yaml; fails the test if it loads or throws anything else. */
export const errorOf = (text: string): string => loadErrorOf(() => parseScenario(text, 'bad.yaml', builtinRegistry));

/** The load error of the file at `path`; fails the test if it loads or throws anything else. */
export const fileErrorOf = (path: string): string => loadErrorOf(() => loadScenarioFile(path, builtinRegistry));
