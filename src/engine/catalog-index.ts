/**
 * What `ocilab list` shows, validated when ocilab is built instead of at every `list`: the build
 * (scripts/build-if-stale.mjs, also `npm pack`) loads every shipped scenario as `list` does
 * (YAML + the zod definition, no action registry) and writes dist/scenario-index.json with the
 * sha256 of each valid file and its table row. `list` then reads no YAML and loads no zod: it
 * hashes each shipped file and uses the recorded row only when the file is byte for byte the
 * one validated, by the same validator (a hash of the compiled src/engine/, where the scenario
 * loader and everything it imports live). Any difference (an edited, added or invalid file, a
 * rebuilt engine, ids that collide) and `list` loads every scenario as before, reporting errors
 * the same way: a broken scenario is never listed as fine.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from './scenario-schema.js';

/** One row of `ocilab list` (its --json output). */
export interface ListRow {
  id: string;
  title: string;
  summary: string;
  targets: string[];
  budget: string;
  steps: number;
}

/** The row `ocilab list` shows for a loaded scenario (the index records exactly this). */
export function listRow(s: Scenario): ListRow {
  return { id: s.id, title: s.title, summary: s.summary, targets: s.targets, budget: s.budget, steps: s.steps.length };
}

interface IndexedFile {
  /** File name in scenarios/. */
  file: string;
  sha256: string;
  row: ListRow;
}

interface CatalogIndex {
  validator: string;
  files: IndexedFile[];
}

const engineDir = fileURLToPath(new URL('.', import.meta.url));
const indexFile = fileURLToPath(new URL('../scenario-index.json', import.meta.url));

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** The validator's identity: the compiled engine modules (names and contents). */
export function validatorFingerprint(dir = engineDir): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).filter((f) => /\.[cm]?js$/.test(f)).sort()) hash.update(`${name}\0`).update(readFileSync(join(dir, name))).update('\0');
  return hash.digest('hex');
}

/**
 * The rows of `ocilab list` from the index, or undefined when it does not vouch for every
 * shipped file exactly as it is now (the caller then loads and validates them all).
 */
export function indexedRows(files: readonly string[], opts: { index?: string; engine?: string } = {}): ListRow[] | undefined {
  let index: CatalogIndex;
  try {
    index = JSON.parse(readFileSync(opts.index ?? indexFile, 'utf8')) as CatalogIndex;
  } catch {
    return undefined; // not built (running from src/), or unreadable: validate
  }
  if (index.validator !== validatorFingerprint(opts.engine)) return undefined;
  const byName = new Map(index.files.map((f) => [f.file, f]));
  const rows: ListRow[] = [];
  for (const file of files) {
    const entry = byName.get(basename(file));
    let text: Buffer;
    try {
      text = readFileSync(file);
    } catch {
      return undefined;
    }
    if (!entry || entry.sha256 !== sha256(text)) return undefined;
    rows.push(entry.row);
  }
  if (new Set(rows.map((r) => r.id)).size !== rows.length) return undefined;
  return rows;
}

/** Build step: validates the shipped scenarios and records the valid ones (invalid ones are left out). */
export async function writeCatalogIndex(out = indexFile, dir?: string, engine?: string): Promise<{ indexed: number; invalid: number }> {
  const { loadCatalog } = await import('./catalog.js');
  const files: IndexedFile[] = [];
  let invalid = 0;
  for (const entry of loadCatalog(undefined, dir)) {
    if ('error' in entry) {
      invalid++;
      continue;
    }
    files.push({ file: basename(entry.file), sha256: sha256(readFileSync(entry.file)), row: listRow(entry.scenario) });
  }
  const index: CatalogIndex = { validator: validatorFingerprint(engine), files };
  writeFileSync(out, `${JSON.stringify(index, null, 1)}\n`);
  return { indexed: files.length, invalid };
}
