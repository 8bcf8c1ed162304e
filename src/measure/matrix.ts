/**
 * A matrix of measurements: fixture presets × artifact scopes × fetch methods. Cells are
 * measured in interleaved rounds (every cell once per round) by default, so a slow drift
 * of the machine (another process, thermal, page cache) spreads over all methods instead
 * of landing on whichever ran last.
 */
import { tmpdir } from 'node:os';
import { checkCounts, resultFromSamples, runLabelled } from './harness.js';
import type { FetchMethod, MethodResult, RunSample } from './types.js';

// the fixture presets of src/git (tiny is for tests and rehearsals)
export const PRESETS = ['tiny', 'small', 'medium', 'large', 'bloated'] as const;
export type Preset = (typeof PRESETS)[number];

/** Whole repository, or one app folder (what `flux push artifact --path` ships). */
export const SCOPES = ['repo', 'app'] as const;
export type Scope = (typeof SCOPES)[number];

export interface MatrixCell {
  preset: Preset;
  scope: Scope;
  method: FetchMethod;
}

export interface CellResult extends MethodResult {
  preset: Preset;
  scope: Scope;
  /** "small/repo", for tables. */
  cell: string;
}

export interface MatrixOptions {
  runs?: number;
  warmup?: number;
  signal?: AbortSignal;
  destRoot?: string;
  /** Interleave rounds across cells (default true); false measures each cell to the end in turn. */
  interleave?: boolean;
  onSample?: (sample: RunSample, info: { cell: MatrixCell; index: number; warmup: boolean }) => void;
}

export function cellName(c: { preset: Preset; scope: Scope }): string {
  return `${c.preset}/${c.scope}`;
}

export interface InterleaveOptions {
  runs?: number;
  warmup?: number;
  signal?: AbortSignal;
  destRoot?: string;
  /** Interleave rounds across methods (default true); false measures each method to the end in turn. */
  interleave?: boolean;
  onSample?: (sample: RunSample, info: { position: number; index: number; warmup: boolean }) => void;
  /** A row failed (its run threw or did not do its work): the reason; its later runs are skipped. */
  onFailure?: (reason: string, info: { position: number }) => void;
  /** For error messages: what to call the method at a position. */
  nameOf?: (position: number) => string;
}

/** Measure several methods, by default in interleaved rounds; results in the given order. */
export async function measureAll(methods: readonly FetchMethod[], opts: InterleaveOptions = {}): Promise<MethodResult[]> {
  const { runs, warmup } = checkCounts(opts);
  const signal = opts.signal ?? new AbortController().signal;
  const destRoot = opts.destRoot ?? tmpdir();
  const nameOf = opts.nameOf ?? ((i: number) => methods[i]!.id);
  const startedAt = methods.map(() => new Date().toISOString());
  const samples: RunSample[][] = methods.map(() => []);
  // A run that fails (or did not do its work) fails its row with the reason; the other rows go on.
  const failures: (string | undefined)[] = methods.map(() => undefined);
  const runOne = async (i: number, round: number) => {
    if (failures[i] !== undefined) return;
    const isWarmup = round < warmup;
    const what = `${nameOf(i)} ${isWarmup ? `warm-up run ${round + 1}` : `run ${round - warmup + 1} of ${runs}`}`;
    if (round === 0) startedAt[i] = new Date().toISOString();
    let sample: RunSample;
    try {
      sample = await runLabelled(methods[i]!, destRoot, signal, what);
    } catch (err) {
      if (signal.aborted) throw err;
      failures[i] = (err as Error).message;
      opts.onFailure?.(failures[i]!, { position: i });
      return;
    }
    opts.onSample?.(sample, { position: i, index: isWarmup ? round : round - warmup, warmup: isWarmup });
    if (!isWarmup) samples[i]!.push(sample);
  };
  if (opts.interleave ?? true) {
    for (let round = 0; round < warmup + runs; round++) for (let i = 0; i < methods.length; i++) await runOne(i, round);
  } else {
    for (let i = 0; i < methods.length; i++) for (let round = 0; round < warmup + runs; round++) await runOne(i, round);
  }
  return methods.map((m, i) =>
    resultFromSamples(m, samples[i]!, { runs, warmup, destRoot, startedAt: startedAt[i]!, ...(failures[i] !== undefined ? { failure: failures[i] } : {}) }),
  );
}

export async function runMatrix(cells: readonly MatrixCell[], opts: MatrixOptions = {}): Promise<CellResult[]> {
  const seen = new Set<string>();
  for (const c of cells) {
    if (!PRESETS.includes(c.preset)) throw new Error(`matrix: unknown preset "${c.preset}" (one of ${PRESETS.join(', ')})`);
    if (!SCOPES.includes(c.scope)) throw new Error(`matrix: unknown scope "${c.scope}" (one of ${SCOPES.join(', ')})`);
    const key = `${cellName(c)} ${c.method.id}`;
    if (seen.has(key)) throw new Error(`matrix: cell ${key} is listed twice`);
    seen.add(key);
  }
  const results = await measureAll(
    cells.map((c) => c.method),
    {
      ...opts,
      nameOf: (i) => cellName(cells[i]!),
      onSample: opts.onSample && ((sample, info) => opts.onSample!(sample, { cell: cells[info.position]!, index: info.index, warmup: info.warmup })),
    },
  );
  return results.map((r, i) => ({ ...r, preset: cells[i]!.preset, scope: cells[i]!.scope, cell: cellName(cells[i]!) }));
}
