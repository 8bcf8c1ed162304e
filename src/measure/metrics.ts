/**
 * The one table of metrics ocilab reports: every figure that reaches the measurements panel,
 * --plain, the bars and the exports has a name from here, and its unit and label come from
 * here, nowhere else. `sample` names the field of a harness RunSample that holds it (for the
 * metrics the fetch harness measures per run); `side` says whose cost it is:
 *  - `client`: the fetching process (git, curl, ocilab's OCI client child…);
 *  - `server`: the Git server or registry answering it;
 *  - `controller`: Flux's source-controller in a cluster (a client of the servers, but
 *    measured by its own metrics, so never put on the same bar as a local client).
 */

export type MetricUnit = 'ms' | 'bytes' | 'count';
export type MetricSide = 'client' | 'server' | 'wire' | 'controller' | 'step';

/** The per-run fields of the fetch harness (src/measure/types.ts RunSample). */
export type SampleField = 'wallMs' | 'bytesDown' | 'bytesUp' | 'clientCpuMs' | 'clientPeakRssBytes' | 'serverCpuMs' | 'requests';

export interface MetricInfo {
  unit: MetricUnit;
  /** For people: table headings, chart titles. */
  label: string;
  side: MetricSide;
  sample?: SampleField;
}

export const METRIC_TABLE = {
  // the fetch harness's figures, in report order
  wall_ms: { unit: 'ms', label: 'wall time', side: 'client', sample: 'wallMs' },
  bytes_down: { unit: 'bytes', label: 'bytes down', side: 'wire', sample: 'bytesDown' },
  bytes_up: { unit: 'bytes', label: 'bytes up', side: 'wire', sample: 'bytesUp' },
  client_cpu_ms: { unit: 'ms', label: 'client CPU', side: 'client', sample: 'clientCpuMs' },
  peak_rss_bytes: { unit: 'bytes', label: 'client peak RSS', side: 'client', sample: 'clientPeakRssBytes' },
  server_cpu_ms: { unit: 'ms', label: 'server CPU', side: 'server', sample: 'serverCpuMs' },
  requests: { unit: 'count', label: 'requests', side: 'wire', sample: 'requests' },
  // parts of one pull (artifact.pull)
  manifest_ms: { unit: 'ms', label: 'manifest time', side: 'client' },
  layer_ms: { unit: 'ms', label: 'layer time', side: 'client' },
  extract_ms: { unit: 'ms', label: 'extract time', side: 'client' },
  // Flux's source-controller in a cluster (flux.measure, scale)
  controller_cpu_ms: { unit: 'ms', label: 'source-controller CPU', side: 'controller' },
  controller_memory_bytes: { unit: 'bytes', label: 'source-controller memory', side: 'controller' },
  controller_peak_memory_bytes: { unit: 'bytes', label: 'source-controller peak memory', side: 'controller' },
  reconcile_wall_ms: { unit: 'ms', label: 'requested reconcile → handled', side: 'controller' },
  served_bytes: { unit: 'bytes', label: 'bytes served per reconcile', side: 'server' },
  served_requests: { unit: 'count', label: 'requests per reconcile', side: 'server' },
  reconcile_count: { unit: 'count', label: 'reconciles counted', side: 'controller' },
  reconcile_mean_ms: { unit: 'ms', label: 'mean reconcile time', side: 'controller' },
  reconcile_total_ms: { unit: 'ms', label: 'reconcile time, all', side: 'controller' },
  // a step's own figures (fixture generation, key derivation…)
  objects: { unit: 'count', label: 'objects', side: 'step' },
  files: { unit: 'count', label: 'files', side: 'step' },
  size_bytes: { unit: 'bytes', label: 'size', side: 'step' },
} as const satisfies Record<string, MetricInfo>;

export type MetricName = keyof typeof METRIC_TABLE;

export function metricInfo(name: MetricName): MetricInfo {
  return METRIC_TABLE[name];
}

export function unitOf(name: MetricName): MetricUnit {
  return METRIC_TABLE[name].unit;
}

/** The harness's per-run metrics, in report order, with the RunSample field each is kept in. */
export const SAMPLE_METRICS: readonly { name: MetricName; field: SampleField }[] = (Object.keys(METRIC_TABLE) as MetricName[]).flatMap((name) => {
  const field = (METRIC_TABLE[name] as MetricInfo).sample;
  return field ? [{ name, field }] : [];
});

/** The reported name of a harness field. */
export function metricOfField(field: SampleField): MetricName {
  return SAMPLE_METRICS.find((m) => m.field === field)!.name;
}
