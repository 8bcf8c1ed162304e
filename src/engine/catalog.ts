/**
 * The scenarios shipped in `scenarios/` and the resolution of `ocilab run <scenario>`:
 * a shipped id (the `id:` inside the file, whatever the file is called), or the path of a
 * YAML file a trainer wrote. Two shipped files with the same id are a load error naming both.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename, join } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { ActionRegistry } from './action.js';
import { ScenarioLoadError, UnknownScenarioError, type LocatedProblem } from './load-errors.js';
import { loadScenarioFile } from './scenario-load.js';
import { DEFAULT_SCENARIOS } from './scenario-names.js';
import type { Scenario } from './scenario-schema.js';

/** `scenarios/` of the package (same relative place from src/engine and dist/engine). */
export function shippedScenariosDir(): string {
  return fileURLToPath(new URL('../../scenarios/', import.meta.url));
}

export { DEFAULT_SCENARIOS };

export { UnknownScenarioError };

export function shippedScenarioFiles(dir = shippedScenariosDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

interface IdSite {
  file: string;
  line: number;
  col: number;
}

/** The shipped ids and where each is declared (more than one site: a duplicate). */
export interface ScenarioIndex {
  sites: Map<string, IdSite[]>;
}

/** Reads the `id:` of each shipped file (YAML only, no validation: cheap, and tolerant of invalid files). */
export function indexShippedScenarios(dir = shippedScenariosDir()): ScenarioIndex {
  const sites = new Map<string, IdSite[]>();
  for (const file of shippedScenarioFiles(dir)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // loading it reports why
    }
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter });
    const node = isMap(doc.contents) ? doc.contents.get('id', true) : undefined;
    if (!isScalar(node) || typeof node.value !== 'string') continue;
    const { line, col } = lineCounter.linePos(node.range?.[0] ?? 0);
    const list = sites.get(node.value) ?? [];
    list.push({ file, line, col });
    sites.set(node.value, list);
  }
  return { sites };
}

/** The error for an id declared by more than one shipped file, or undefined. */
function duplicateIdError(id: string, index: ScenarioIndex): ScenarioLoadError | undefined {
  const sites = index.sites.get(id) ?? [];
  if (sites.length < 2) return undefined;
  const problems: LocatedProblem[] = sites.map((site) => ({
    ...site,
    field: 'id',
    message: `scenario id "${id}" is also used by ${sites.filter((s) => s !== site).map((s) => s.file).join(', ')}`,
  }));
  return new ScenarioLoadError(problems);
}

function fileNameId(file: string): string {
  return basename(file).replace(/\.ya?ml$/, '');
}

/** The first of DEFAULT_SCENARIOS that is shipped. */
export function defaultScenarioId(dir = shippedScenariosDir()): string {
  const { sites } = indexShippedScenarios(dir);
  return DEFAULT_SCENARIOS.find((id) => sites.has(id)) ?? 'hello';
}

/** Is `ref` a file path (contains a slash, ends in .yaml/.yml, or exists) rather than an id? */
function looksLikePath(ref: string): boolean {
  return ref.includes('/') || /\.ya?ml$/.test(ref) || existsSync(ref);
}

/**
 * Resolves and loads `ref`: a path, a shipped scenario's id, or (for a file whose id differs)
 * its file name. Throws UnknownScenarioError or ScenarioLoadError (both exit code 2).
 */
export function loadScenario(ref: string, registry: ActionRegistry, dir = shippedScenariosDir()): Scenario {
  if (looksLikePath(ref)) return loadScenarioFile(ref, registry);
  const index = indexShippedScenarios(dir);
  const duplicate = duplicateIdError(ref, index);
  if (duplicate) throw duplicate;
  const site = index.sites.get(ref)?.[0];
  if (site) return loadScenarioFile(site.file, registry);
  const byName = shippedScenarioFiles(dir).find((f) => fileNameId(f) === ref);
  if (byName) return loadScenarioFile(byName, registry);
  const ids = [...index.sites.keys()].sort();
  throw new UnknownScenarioError(
    `unknown scenario "${ref}": not a shipped id (${ids.join(', ') || 'none'}) nor a file`,
  );
}

export type CatalogEntry = { file: string; scenario: Scenario } | { file: string; error: ScenarioLoadError };

/**
 * Every shipped scenario, loaded; invalid ones (and ones sharing an id) carry their error instead.
 * Without a registry, actions are not checked (`ocilab list`: titles, targets, step counts).
 */
export function loadCatalog(registry: ActionRegistry | undefined, dir = shippedScenariosDir()): CatalogEntry[] {
  const entries: CatalogEntry[] = shippedScenarioFiles(dir).map((file) => {
    try {
      return { file, scenario: loadScenarioFile(file, registry) };
    } catch (err) {
      if (err instanceof ScenarioLoadError) return { file, error: err };
      throw err;
    }
  });
  // Each file is parsed once; the id index (a second parse of every file, for the positions a
  // duplicate error names) only when an id may be shared: two loaded alike, or a file that failed.
  const ids = entries.flatMap((e) => ('scenario' in e ? [e.scenario.id] : []));
  if (ids.length === entries.length && new Set(ids).size === ids.length) return entries;
  const index = indexShippedScenarios(dir);
  return entries.map((e) => {
    if ('error' in e) return e;
    const duplicate = duplicateIdError(e.scenario.id, index);
    return duplicate ? { file: e.file, error: duplicate } : e;
  });
}
