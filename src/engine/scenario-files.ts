/** Where the shipped scenarios are: `scenarios/` of the package, found without reading any YAML. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `scenarios/` of the package (same relative place from src/engine and dist/engine). */
export function shippedScenariosDir(): string {
  return fileURLToPath(new URL('../../scenarios/', import.meta.url));
}

/** The scenario files in `dir` (*.yaml, *.yml), sorted by name. */
export function shippedScenarioFiles(dir = shippedScenariosDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}
