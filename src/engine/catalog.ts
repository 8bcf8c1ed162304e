/**
 * The scenarios shipped in `scenarios/` and the resolution of `ocilab run <scenario>`:
 * a shipped id, or the path of a YAML file a trainer wrote.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { ActionRegistry } from './action.js';
import { loadScenarioFile, ScenarioLoadError } from './scenario-load.js';
import type { Scenario } from './scenario-schema.js';

/** `scenarios/` of the package (same relative place from src/engine and dist/engine). */
export function shippedScenariosDir(): string {
  return fileURLToPath(new URL('../../scenarios/', import.meta.url));
}

/** Shipped scenario ids, with the scenario `ocilab` opens with no arguments first. */
export const DEFAULT_SCENARIOS = ['git-vs-oci', 'onboarding', 'hello'];

export class UnknownScenarioError extends Error {}

export function shippedScenarioFiles(dir = shippedScenariosDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** The first of DEFAULT_SCENARIOS that is shipped. */
export function defaultScenarioId(dir = shippedScenariosDir()): string {
  const files = new Set(shippedScenarioFiles(dir).map((f) => f.replace(/^.*\//, '').replace(/\.ya?ml$/, '')));
  return DEFAULT_SCENARIOS.find((id) => files.has(id)) ?? 'hello';
}

/** Is `ref` a file path (contains a slash, ends in .yaml/.yml, or exists) rather than an id? */
function looksLikePath(ref: string): boolean {
  return ref.includes('/') || /\.ya?ml$/.test(ref) || existsSync(ref);
}

/** Resolves and loads `ref`. Throws UnknownScenarioError or ScenarioLoadError (both exit code 2). */
export function loadScenario(ref: string, registry: ActionRegistry, dir = shippedScenariosDir()): Scenario {
  if (looksLikePath(ref)) return loadScenarioFile(ref, registry);
  for (const ext of ['.yaml', '.yml']) {
    const file = join(dir, `${ref}${ext}`);
    if (existsSync(file)) return loadScenarioFile(file, registry);
  }
  const ids = shippedScenarioFiles(dir).map((f) => f.replace(/^.*\//, '').replace(/\.ya?ml$/, ''));
  throw new UnknownScenarioError(
    `unknown scenario "${ref}": not a shipped id (${ids.join(', ') || 'none'}) nor a file`,
  );
}

export type CatalogEntry = { file: string; scenario: Scenario } | { file: string; error: ScenarioLoadError };

/** Every shipped scenario, loaded; invalid ones carry their error instead. */
export function loadCatalog(registry: ActionRegistry, dir = shippedScenariosDir()): CatalogEntry[] {
  return shippedScenarioFiles(dir).map((file) => {
    try {
      return { file, scenario: loadScenarioFile(file, registry) };
    } catch (err) {
      if (err instanceof ScenarioLoadError) return { file, error: err };
      throw err;
    }
  });
}
