/**
 * The runs of a comparison as they arrive (one reported sample per run and metric), shaped
 * for a chart that grows live: per method, the median, min and max of the runs so far, as
 * fractions of one scale, so a view only draws. The statistics are stats.ts's.
 */
import { summarize } from './stats.js';
import type { Transport } from '../engine/action-definition.js';
import type { MetricName, MetricUnit } from './metrics.js';
import { formatValue } from './units.js';

/** One run's figure for one metric (a Measurement with `sample`, flattened). */
export interface LiveSample {
  /** The method's label, for people. */
  method: string;
  /** One id per row. */
  methodId: string;
  short: string;
  transport: Transport;
  client: string;
  metric: MetricName;
  value: number;
  unit: MetricUnit;
  /** 1-based run number and the runs planned. */
  run: number;
  of: number;
}

export interface RangeBar {
  label: string;
  methodId: string;
  short: string;
  transport: Transport;
  client: string;
  /** Runs measured so far (that had this metric) and runs planned. */
  runs: number;
  of: number;
  complete: boolean;
  median: number;
  min: number;
  max: number;
  /** (max − min) / median, 0 when the median is 0. */
  spread: number;
  /** Positions on the chart's scale (the largest max among the bars), 0..1. */
  medianFraction: number;
  minFraction: number;
  maxFraction: number;
  /** Median, and the range "573–804 ms" (the unit once when min and max share it; '' when they are equal). */
  formatted: { median: string; range: string };
}

function rangeText(unit: MetricUnit, min: number, max: number): string {
  const [lo, hi] = [formatValue(unit, min), formatValue(unit, max)];
  if (lo === hi) return '';
  const suffix = / [^ ]+$/.exec(hi)?.[0];
  return suffix && lo.endsWith(suffix) ? `${lo.slice(0, -suffix.length)}–${hi}` : `${lo}–${hi}`;
}

/**
 * The latest series of each method: the samples since that method's last run 1, so a step
 * run again starts its bars from scratch. Methods in order of first appearance.
 */
export function latestSeries(samples: readonly LiveSample[]): Map<string, LiveSample[]> {
  const byMethod = new Map<string, LiveSample[]>();
  for (const s of samples) {
    const list = byMethod.get(s.methodId);
    // a new run 1 of a metric already seen starts a new comparison for this method
    if (!list || (s.run === 1 && list.some((x) => x.metric === s.metric && x.run === 1))) byMethod.set(s.methodId, [s]);
    else list.push(s);
  }
  return byMethod;
}

/** Range bars of one metric for every method in the latest series (methods without it are left out). */
export function rangeBarsFor(series: ReadonlyMap<string, readonly LiveSample[]>, metric: MetricName): RangeBar[] {
  const rows: { first: LiveSample; values: number[]; of: number; unit: MetricUnit }[] = [];
  for (const samples of series.values()) {
    const mine = samples.filter((s) => s.metric === metric);
    if (mine.length === 0) continue;
    rows.push({ first: mine[0]!, values: mine.map((s) => s.value), of: Math.max(...mine.map((s) => s.of)), unit: mine[0]!.unit });
  }
  const stats = rows.map((r) => summarize(r.values)!);
  const scale = Math.max(0, ...stats.map((s) => s.max));
  const at = (v: number) => (scale === 0 ? 0 : v / scale);
  return rows.map((r, i) => {
    const s = stats[i]!;
    return {
      label: r.first.method,
      methodId: r.first.methodId,
      short: r.first.short,
      transport: r.first.transport,
      client: r.first.client,
      runs: s.n,
      of: r.of,
      complete: s.n >= r.of,
      median: s.median,
      min: s.min,
      max: s.max,
      spread: s.spread,
      medianFraction: at(s.median),
      minFraction: at(s.min),
      maxFraction: at(s.max),
      formatted: { median: formatValue(r.unit, s.median), range: rangeText(r.unit, s.min, s.max) },
    };
  });
}
