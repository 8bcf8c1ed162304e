/**
 * Bar charts for the measurements panel. Live: from the per-run samples `measure.compare`
 * reports as each run is measured (median, min and max of the runs so far). Otherwise from
 * the medians it reports at the end ("median of N runs ..., spread X %" notes). The math is
 * src/measure (live.ts, bars.ts); this only picks the measurements and shapes them for a view.
 */
import { barsFor, type Bar } from '../measure/bars.js';
import { latestSeries, rangeBarsFor, type LiveSample } from '../measure/live.js';
import type { MethodResult, MetricName, Stats } from '../measure/types.js';
import type { Measurement } from './view-model.js';

/** Reported metric name → harness metric and a title readable from the back of the room. */
/** In the order they are shown; a view shows as many as fit (two per row). */
export const CHART_METRICS: { reported: string; metric: MetricName; title: string }[] = [
  { reported: 'wall_ms', metric: 'wallMs', title: 'time' },
  { reported: 'bytes_down', metric: 'bytesDown', title: 'bytes down' },
  { reported: 'server_cpu_ms', metric: 'serverCpuMs', title: 'server CPU' },
  { reported: 'client_cpu_ms', metric: 'clientCpuMs', title: 'client CPU' },
  { reported: 'peak_rss_bytes', metric: 'clientPeakRssBytes', title: 'memory (peak RSS)' },
  { reported: 'requests', metric: 'requests', title: 'requests' },
];

const NOTE = /^median of (\d+) runs after (\d+) warm-up, spread ([\d.]+) %/;

export interface ChartBar extends Bar {
  /** Short label: "git shallow", "oci HEAD". */
  short: string;
  /** Runs measured so far, and planned (equal once complete). */
  runs: number;
  of: number;
  complete: boolean;
  /** "±12%" style spread (half of (max-min)/median), or '' when unknown. */
  spread: string;
  /** Live bars: where the fastest and the slowest run end on the scale (0..1), and "573–804 ms". */
  minFraction?: number;
  maxFraction?: number;
  range?: string;
}

export interface Chart {
  title: string;
  bars: ChartBar[];
}

/** A short name for a method label as measure.compare writes it. */
export function shortLabel(label: string): string {
  const l = label.toLowerCase();
  // flux.measure's rows: Flux's source-controller reconciling in the cluster
  if (l.startsWith('in-cluster git')) return 'in-cluster git';
  if (l.startsWith('in-cluster oci')) return 'in-cluster oci';
  if (l.includes('ls-remote')) return 'git ls-remote';
  if (l.includes('--sparse') || l.includes('sparse')) return 'git sparse';
  if (l.includes('--depth')) return 'git shallow';
  if (l.includes('full')) return 'git full';
  if (l.includes('head')) return 'oci HEAD';
  if (l.includes('pull')) return 'oci pull';
  return label.length > 14 ? `${label.slice(0, 13)}…` : label;
}

const spreadText = (spread: number) => `±${Math.round(spread * 50)}%`;
const kindOf = (label: string): 'git' | 'oci' => (/^(in-cluster )?git/.test(shortLabel(label)) ? 'git' : 'oci');

/** Charts of the latest comparison, growing run by run (empty when no run was measured yet). */
export function liveCharts(samples: readonly LiveSample[]): Chart[] {
  if (samples.length === 0) return [];
  const series = latestSeries(samples);
  return CHART_METRICS.map(({ reported, title }) => ({
    title,
    bars: rangeBarsFor(series, reported).map((b) => ({
      label: b.label,
      methodId: b.label,
      kind: kindOf(b.label),
      value: b.median,
      fraction: b.medianFraction,
      formatted: b.formatted.median,
      short: shortLabel(b.label),
      runs: b.runs,
      of: b.of,
      complete: b.complete,
      spread: b.runs > 1 ? spreadText(b.spread) : '',
      minFraction: b.minFraction,
      maxFraction: b.maxFraction,
      range: b.formatted.range,
    })),
  }));
}

/** The live charts when runs were reported one by one, else the charts of the reported medians. */
export function chartsFor(measurements: readonly Measurement[], samples: readonly LiveSample[]): Chart[] {
  return samples.length > 0 ? liveCharts(samples) : chartsFrom(measurements);
}

/** Charts of the latest comparison in the measurements (empty when none ran yet). */
export function chartsFrom(measurements: readonly Measurement[]): Chart[] {
  const byMethod = new Map<string, { kind: 'git' | 'oci'; stats: Partial<Record<MetricName, Stats>>; runs: number; spreads: Partial<Record<MetricName, number>> }>();
  for (const m of measurements) {
    const note = NOTE.exec(m.method_note ?? '');
    const chart = CHART_METRICS.find((c) => c.reported === m.metric);
    if (!note || !chart) continue;
    const entry = byMethod.get(m.method) ?? { kind: kindOf(m.method), stats: {}, runs: 0, spreads: {} };
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
      return { ...b, short: shortLabel(b.label), runs: e.runs, of: e.runs, complete: true, spread: s === undefined ? '' : spreadText(s) };
    }),
  }));
}
