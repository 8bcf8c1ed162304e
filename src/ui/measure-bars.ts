/**
 * Bar charts for the measurements panel. Live: from the per-run samples `measure.compare`
 * reports as each run is measured (median, min and max of the runs so far). Otherwise from
 * the medians it reports at the end, with their statistics. Which row is which transport and
 * client comes from the typed fields of each measurement (methodId, transport, short, client),
 * never from its prose note. The math is src/measure (live.ts); this only shapes for a view.
 */
import type { Bar } from '../measure/bars.js';
import { latestSeries, rangeBarsFor, type LiveSample } from '../measure/live.js';
import { metricInfo, type MetricName } from '../measure/metrics.js';
import { formatValue } from '../measure/units.js';
import type { Measurement } from './view-model.js';

/**
 * The charts, in the order they are shown; a view shows as many as fit (two per row). Local
 * rows (client processes, our servers) and in-cluster rows (Flux's source-controller) each
 * get charts of their own metrics, so no bar stands next to a figure measured another way.
 */
export const CHART_METRICS: { metric: MetricName; title: string }[] = [
  { metric: 'wall_ms', title: 'time' },
  { metric: 'bytes_down', title: 'bytes down' },
  { metric: 'server_cpu_ms', title: 'server CPU' },
  { metric: 'client_cpu_ms', title: 'client CPU' },
  { metric: 'peak_rss_bytes', title: 'memory (peak RSS)' },
  { metric: 'requests', title: 'requests' },
  { metric: 'reconcile_wall_ms', title: 'in-cluster: reconcile' },
  { metric: 'controller_cpu_ms', title: 'in-cluster: source-controller CPU' },
];

export interface ChartBar extends Bar {
  /** Short label: "git shallow", "oci HEAD". */
  short: string;
  /** Which client fetched, in a few words. */
  client: string;
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

const spreadText = (spread: number) => `±${Math.round(spread * 50)}%`;

/** Charts of the latest comparison, growing run by run (empty when no run was measured yet). */
export function liveCharts(samples: readonly LiveSample[]): Chart[] {
  if (samples.length === 0) return [];
  const series = latestSeries(samples);
  return CHART_METRICS.map(({ metric, title }) => ({
    title,
    bars: rangeBarsFor(series, metric).map((b) => ({
      label: b.label,
      methodId: b.methodId,
      kind: b.transport,
      value: b.median,
      fraction: b.medianFraction,
      formatted: b.formatted.median,
      short: b.short,
      client: b.client,
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

/**
 * Charts of the comparison medians in the measurements (empty when none ran yet): only
 * figures that say which transport and method they are about and carry their statistics.
 */
export function chartsFrom(measurements: readonly Measurement[]): Chart[] {
  const rows = new Map<string, { first: Measurement; byMetric: Map<MetricName, Measurement> }>();
  for (const m of measurements) {
    if (!m.stats || !m.transport || !m.methodId) continue;
    const row = rows.get(m.methodId) ?? { first: m, byMetric: new Map() };
    row.byMetric.set(m.metric, m);
    rows.set(m.methodId, row);
  }
  if (rows.size === 0) return [];
  return CHART_METRICS.map(({ metric, title }) => {
    const mine = [...rows.values()].flatMap((r) => {
      const m = r.byMetric.get(metric);
      return m ? [m] : [];
    });
    const scale = Math.max(0, ...mine.map((m) => m.value));
    return {
      title,
      bars: mine.map((m) => ({
        label: m.method,
        methodId: m.methodId!,
        kind: m.transport!,
        value: m.value,
        fraction: scale === 0 ? 0 : m.value / scale,
        formatted: formatValue(m.unit, m.value),
        short: m.short ?? m.method,
        client: m.client ?? '',
        runs: m.stats!.n,
        of: m.stats!.n,
        complete: true,
        spread: spreadText(m.stats!.spread),
      })),
    };
  });
}

/** One row of the bars view's "fleet: measured vs projected" table (measure.fleet). */
export interface FleetTableRow {
  kind: 'git' | 'oci';
  figure: string;
  measured: string;
  projected: string;
  /** "0.87×", or '' when there is no projection. */
  ratio: string;
}

/** The fleet figures among the measurements (the latest of each transport and metric), as table rows. */
export function fleetTableFrom(measurements: readonly Measurement[]): FleetTableRow[] {
  const latest = new Map<string, Measurement>();
  for (const m of measurements) if (m.fleet && m.transport) latest.set(`${m.transport} ${m.metric}`, m);
  return [...latest.values()].map((m) => {
    const p = m.fleet!.projected;
    return {
      kind: m.transport!,
      figure: metricInfo(m.metric).label,
      measured: formatValue(m.unit, m.value),
      projected: formatValue(m.unit, p),
      ratio: p === null || p === 0 ? '' : `${(m.value / p).toFixed(2)}×`,
    };
  });
}
