/**
 * Bar charts for the measurements panel, from the run's measurements (the medians
 * `measure.compare` reports, with "median of N runs ..., spread X %" notes). The math is
 * src/measure/bars.ts; this only picks the measurements and shapes them for a view.
 */
import { barsFor, type Bar } from '../measure/bars.js';
import type { MethodResult, MetricName, Stats } from '../measure/types.js';
import type { Measurement } from './view-model.js';

/** Reported metric name → harness metric and a title readable from the back of the room. */
export const CHART_METRICS: { reported: string; metric: MetricName; title: string }[] = [
  { reported: 'wall_ms', metric: 'wallMs', title: 'time' },
  { reported: 'bytes_down', metric: 'bytesDown', title: 'bytes down' },
  { reported: 'client_cpu_ms', metric: 'clientCpuMs', title: 'client CPU' },
  { reported: 'peak_rss_bytes', metric: 'clientPeakRssBytes', title: 'memory (peak RSS)' },
];

const NOTE = /^median of (\d+) runs after (\d+) warm-up, spread ([\d.]+) %/;

export interface ChartBar extends Bar {
  /** Short label: "git shallow", "oci HEAD". */
  short: string;
  runs: number;
  /** "±12%" style spread ((max-min)/median), or '' when unknown. */
  spread: string;
}

export interface Chart {
  title: string;
  bars: ChartBar[];
}

/** A short name for a method label as measure.compare writes it. */
export function shortLabel(label: string): string {
  const l = label.toLowerCase();
  if (l.includes('ls-remote')) return 'git ls-remote';
  if (l.includes('--sparse') || l.includes('sparse')) return 'git sparse';
  if (l.includes('--depth')) return 'git shallow';
  if (l.includes('full')) return 'git full';
  if (l.includes('head')) return 'oci HEAD';
  if (l.includes('pull')) return 'oci pull';
  return label.length > 14 ? `${label.slice(0, 13)}…` : label;
}

/** Charts of the latest comparison in the measurements (empty when none ran yet). */
export function chartsFrom(measurements: readonly Measurement[]): Chart[] {
  const byMethod = new Map<string, { kind: 'git' | 'oci'; stats: Partial<Record<MetricName, Stats>>; runs: number; spreads: Partial<Record<MetricName, number>> }>();
  for (const m of measurements) {
    const note = NOTE.exec(m.method_note ?? '');
    const chart = CHART_METRICS.find((c) => c.reported === m.metric);
    if (!note || !chart) continue;
    const entry = byMethod.get(m.method) ?? { kind: shortLabel(m.method).startsWith('git') ? 'git' : 'oci', stats: {}, runs: 0, spreads: {} };
    const runs = Number(note[1]);
    const spread = Number(note[3]) / 100;
    entry.runs = Math.max(entry.runs, runs);
    entry.stats[chart.metric] = { n: runs, median: m.value, min: m.value, max: m.value, q1: m.value, q3: m.value, iqr: 0, spread };
    entry.spreads[chart.metric] = spread;
    byMethod.set(m.method, entry);
  }
  if (byMethod.size === 0) return [];
  const methods = [...byMethod.entries()];
  const results = methods.map(([label, e]) => ({ methodId: label, label, kind: e.kind, stats: e.stats }) as unknown as MethodResult);
  return CHART_METRICS.map(({ metric, title }) => ({
    title,
    bars: barsFor(results, metric).map((b, i) => {
      const e = methods[i]![1];
      const s = e.spreads[metric];
      return { ...b, short: shortLabel(b.label), runs: e.runs, spread: s === undefined ? '' : `±${Math.round(s * 50)}%` };
    }),
  }));
}
