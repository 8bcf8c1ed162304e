/**
 * Runs a fetch method N times after warm-up, each run into a fresh temp directory that is
 * removed afterwards, and summarizes every metric. Nothing here knows Git or OCI.
 */
import { makeTempDir } from '../process/cleanup.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { filesystemOf } from './destination.js';
import { summarize } from './stats.js';
import { SAMPLE_FIELDS, type FetchMethod, type MethodResult, type SampleField, type RunSample, type Stats } from './types.js';

export interface MeasureOptions {
  /** Measured runs (default 5). */
  runs?: number;
  /** Runs before measuring, to warm caches and connections (default 1). */
  warmup?: number;
  signal?: AbortSignal;
  /** Directory the per-run temp dirs are made in (default: the OS temp dir). */
  destRoot?: string;
  /** Called after every run, warm-up included, so a view can show progress live. */
  onSample?: (sample: RunSample, info: { index: number; warmup: boolean; methodId: string }) => void;
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  return reason instanceof Error ? reason : new Error('measurement aborted');
}

/** One run: fresh directory, time `run()`, remove the directory whatever happens. */
export async function runOnce(method: FetchMethod, destRoot: string, signal: AbortSignal): Promise<RunSample> {
  if (signal.aborted) throw abortError(signal);
  const safeId = method.id.replace(/[^A-Za-z0-9._-]/g, '_');
  const temp = makeTempDir(`ocilab-measure-${safeId}-`, { parent: destRoot });
  const dest = temp.path;
  try {
    const t0 = performance.now();
    const outcome = await method.run(dest, signal);
    const harnessWallMs = performance.now() - t0;
    if (outcome.wallMs !== undefined && !(outcome.wallMs >= 0 && outcome.wallMs <= harnessWallMs + 1)) {
      throw new Error(`method reported a wall time of ${outcome.wallMs} ms, outside 0..${harnessWallMs.toFixed(1)} ms seen around it`);
    }
    const sample: RunSample = {
      wallMs: outcome.wallMs ?? harnessWallMs,
      ...(outcome.wallMs !== undefined ? { harnessWallMs } : {}),
      bytesDown: outcome.bytesDown ?? null,
      bytesUp: outcome.bytesUp ?? null,
      clientCpuMs: outcome.clientCpuMs ?? null,
      clientPeakRssBytes: outcome.clientPeakRssBytes ?? null,
      serverCpuMs: outcome.serverCpuMs ?? null,
      requests: outcome.requests ?? null,
    };
    if (outcome.phases?.length) sample.phases = outcome.phases;
    if (outcome.notes?.length) sample.notes = outcome.notes;
    return sample;
  } finally {
    await temp.remove();
  }
}

/** runOnce with an error that says which method and which run failed. */
export async function runLabelled(method: FetchMethod, destRoot: string, signal: AbortSignal, what: string): Promise<RunSample> {
  try {
    return await runOnce(method, destRoot, signal);
  } catch (err) {
    if (signal.aborted) throw abortError(signal);
    throw new Error(`${method.id}: ${what} failed: ${(err as Error).message}`, { cause: err });
  }
}

/** Summary per metric over samples; a metric no sample has is null (n/a). */
export function summarizeSamples(samples: readonly RunSample[], notComparable: Partial<Record<SampleField, string>> = {}): Record<SampleField, Stats | null> {
  const stats = {} as Record<SampleField, Stats | null>;
  for (const m of SAMPLE_FIELDS) {
    const values = samples.map((s) => s[m]).filter((v): v is number => typeof v === 'number');
    // measured, but not comparable with the other transport's figure: n/a, with the reason kept beside it
    stats[m] = notComparable[m] ? null : summarize(values);
  }
  return stats;
}

export function summarizePhases(samples: readonly RunSample[]): Record<string, Stats> {
  const byName = new Map<string, number[]>();
  for (const s of samples) {
    for (const p of s.phases ?? []) {
      const list = byName.get(p.name) ?? [];
      list.push(p.ms);
      byName.set(p.name, list);
    }
  }
  const out: Record<string, Stats> = {};
  for (const [name, values] of byName) out[name] = summarize(values)!;
  return out;
}

export function checkCounts(opts: { runs?: number; warmup?: number }): { runs: number; warmup: number } {
  const runs = opts.runs ?? 5;
  const warmup = opts.warmup ?? 1;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a whole number ≥ 1, got ${runs}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`warmup must be a whole number ≥ 0, got ${warmup}`);
  return { runs, warmup };
}

/** Measure one method: `warmup` runs thrown away, then `runs` kept, each on a fresh directory. */
export async function measure(method: FetchMethod, opts: MeasureOptions = {}): Promise<MethodResult> {
  const { runs, warmup } = checkCounts(opts);
  const signal = opts.signal ?? new AbortController().signal;
  const destRoot = opts.destRoot ?? tmpdir();
  const startedAt = new Date().toISOString();
  const samples: RunSample[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const isWarmup = i < warmup;
    const what = isWarmup ? `warm-up run ${i + 1}` : `run ${i - warmup + 1} of ${runs}`;
    const sample = await runLabelled(method, destRoot, signal, what);
    opts.onSample?.(sample, { index: isWarmup ? i : i - warmup, warmup: isWarmup, methodId: method.id });
    if (!isWarmup) samples.push(sample);
  }
  return resultFromSamples(method, samples, { runs, warmup, destRoot, startedAt });
}

/** A MethodResult from measured samples (warm-up runs already left out). */
export function resultFromSamples(
  method: FetchMethod,
  samples: RunSample[],
  info: { runs: number; warmup: number; destRoot: string; startedAt: string; failure?: string },
): MethodResult {
  const notes = [...(method.notes ?? [])];
  for (const s of samples) for (const n of s.notes ?? []) if (!notes.includes(n)) notes.push(n);
  const notComparable = { ...(method.notComparable ?? {}) };
  return {
    methodId: method.id,
    label: method.label,
    kind: method.kind,
    short: method.short,
    client: method.client,
    notComparable,
    ...(info.failure !== undefined ? { failure: info.failure } : {}),
    notes,
    runs: info.runs,
    warmup: info.warmup,
    destination: filesystemOf(info.destRoot),
    stats: info.failure !== undefined ? summarizeSamples([]) : summarizeSamples(samples, notComparable),
    phaseStats: summarizePhases(samples),
    samples: info.failure !== undefined ? [] : samples,
    startedAt: info.startedAt,
    finishedAt: new Date().toISOString(),
  };
}
