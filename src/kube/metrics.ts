/**
 * Flux controller metrics through the API server's pod proxy
 * (GET /api/v1/namespaces/flux-system/pods/<pod>:8080/proxy/metrics), and the one figure
 * ocilab reads from them: gotk_reconcile_duration_seconds{kind,name,namespace}, a
 * histogram source-controller records once per whole reconcile of each object.
 */
import type { KubeClient } from './client.js';
import { histogram, parseExposition, type Exposition, type Histogram } from './prometheus.js';

export const METRICS_PORT = 8080;
export const RECONCILE_DURATION = 'gotk_reconcile_duration_seconds';

/** The running pod of a Flux controller (label app=<controller>, as flux install sets it). */
export async function controllerPod(client: KubeClient, controller: string, namespace = 'flux-system', call: { signal?: AbortSignal } = {}) {
  if (client.plan) throw new Error(`dry-run: ${controller} metrics and usage are only measured on a real run`);
  const pods = await client.core.listNamespacedPod({ namespace, labelSelector: `app=${controller}` }, client.requestOptions(call));
  const running = pods.items.find((p) => p.status?.phase === 'Running') ?? pods.items[0];
  if (!running?.metadata?.name) throw new Error(`no ${controller} pod in ${namespace} (label app=${controller}): is Flux installed? (flux install, or ocilab prepare)`);
  return { name: running.metadata.name, node: running.spec?.nodeName };
}

export async function scrapeControllerMetrics(
  client: KubeClient,
  controller = 'source-controller',
  namespace = 'flux-system',
  call: { signal?: AbortSignal } = {},
): Promise<Exposition> {
  const pod = await controllerPod(client, controller, namespace, call);
  return parseExposition(await fetchPodMetrics(client, pod.name, namespace, call));
}

/** GET /api/v1/namespaces/<ns>/pods/<pod>:8080/proxy/metrics → Prometheus text. */
export async function fetchPodMetrics(client: KubeClient, pod: string, namespace: string, call: { signal?: AbortSignal } = {}): Promise<string> {
  const body = await client.core.connectGetNamespacedPodProxyWithPath(
    { name: `${pod}:${METRICS_PORT}`, namespace, path: 'metrics' },
    client.requestOptions(call),
  );
  return typeof body === 'string' ? body : String(body);
}

export function reconcileDuration(exp: Exposition, obj: { kind: string; name: string; namespace: string }): Histogram | undefined {
  return histogram(exp, RECONCILE_DURATION, { kind: obj.kind, name: obj.name, namespace: obj.namespace });
}

/*
 * Process CPU and memory of a controller from its own metrics: controller-runtime registers
 * the Prometheus Go process collector, so every Flux controller serves
 * process_cpu_seconds_total (utime + stime from /proc/self/stat, 10 ms ticks) and
 * process_resident_memory_bytes (RSS). Works where there is no kubelet (the rig) too.
 */
export const PROCESS_CPU = 'process_cpu_seconds_total';
export const PROCESS_RSS = 'process_resident_memory_bytes';
export const PROCESS_START = 'process_start_time_seconds';

export interface ProcessReading {
  /** When the reading was taken (performance.now() of the reader). */
  atMs: number;
  cpuSeconds: number;
  residentBytes: number;
  /** process_start_time_seconds: a change means the process restarted between readings. */
  startTime?: number;
}

function gauge(exp: Exposition, name: string): number | undefined {
  return exp.samples.find((s) => s.name === name && Object.keys(s.labels).length === 0)?.value;
}

export function processReading(exp: Exposition, atMs: number): ProcessReading {
  const cpuSeconds = gauge(exp, PROCESS_CPU);
  const residentBytes = gauge(exp, PROCESS_RSS);
  if (cpuSeconds === undefined || residentBytes === undefined) {
    throw new Error(`the controller's metrics have no ${cpuSeconds === undefined ? PROCESS_CPU : PROCESS_RSS} (no Go process collector on this platform?)`);
  }
  const startTime = gauge(exp, PROCESS_START);
  return { atMs, cpuSeconds, residentBytes, ...(startTime !== undefined ? { startTime } : {}) };
}

export interface ProcessUsage {
  /** process_cpu_seconds_total, last reading minus first. */
  cpuSeconds: number;
  /** Largest process_resident_memory_bytes among the readings (sampled, not a true peak). */
  peakResidentBytes: number;
  /** RSS at the first reading: the peak includes it (and what earlier work left allocated). */
  startResidentBytes: number;
  samples: number;
  /** Time between the first and the last reading. */
  spanMs: number;
}

/** CPU-seconds and sampled peak RSS over readings in time order (first = before the work). */
export function processUsage(readings: readonly ProcessReading[]): ProcessUsage {
  if (readings.length < 2) throw new Error(`need at least two readings of the controller's metrics, got ${readings.length}`);
  const first = readings[0]!;
  const last = readings.at(-1)!;
  const restarted = readings.find((r) => r.startTime !== undefined && first.startTime !== undefined && r.startTime !== first.startTime);
  if (restarted || last.cpuSeconds < first.cpuSeconds) throw new Error('the controller restarted during the measurement (its process counters went back): measure again');
  return {
    // Counters are in 10 ms ticks; drop the float noise of the subtraction.
    cpuSeconds: Math.round((last.cpuSeconds - first.cpuSeconds) * 1e6) / 1e6,
    peakResidentBytes: Math.max(...readings.map((r) => r.residentBytes)),
    startResidentBytes: first.residentBytes,
    samples: readings.length,
    spanMs: last.atMs - first.atMs,
  };
}

export interface UsageSamplerOptions {
  /** Time between two readings (the peak is the largest sampled value: 500 ms by default). */
  intervalMs?: number;
  signal: AbortSignal;
  /** Optional memory from the kubelet (bytes, working set); tried each tick, dropped after a failure. */
  kubeletMemory?: () => Promise<number | undefined>;
}

/**
 * Reads a controller's metrics every `intervalMs` (one request in flight at a time) and keeps
 * the process readings; `stop()` takes a last reading and returns them. The exposition of the
 * latest reading is kept too (the scale step reads reconcile counts from it).
 */
export class UsageSampler {
  readonly readings: ProcessReading[] = [];
  readonly kubelet: number[] = [];
  kubeletError?: string;
  sampleErrors = 0;
  latest?: Exposition;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private waiters: (() => void)[] = [];
  private stopped = false;
  readonly intervalMs: number;

  constructor(
    private readonly read: (signal: AbortSignal) => Promise<Exposition>,
    private readonly opts: UsageSamplerOptions,
  ) {
    this.intervalMs = opts.intervalMs ?? 500;
  }

  /** First reading (errors propagate: nothing is measured without it), then the ticks. */
  async start(): Promise<void> {
    await this.take(true);
    this.schedule();
  }

  /** Resolves after the next reading (or at once when stopped). */
  next(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops the ticks without a last reading (on failure paths). */
  dispose(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const w of this.waiters.splice(0)) w();
  }

  async stop(): Promise<ProcessUsage> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.take(true);
    for (const w of this.waiters.splice(0)) w();
    return processUsage(this.readings);
  }

  private schedule(): void {
    if (this.stopped || this.opts.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.running = this.take(false).finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref?.();
  }

  private async take(strict: boolean): Promise<void> {
    try {
      const exp = await this.read(this.opts.signal);
      this.readings.push(processReading(exp, performance.now()));
      this.latest = exp;
    } catch (e) {
      if (strict) throw e;
      this.sampleErrors++;
    }
    if (this.opts.kubeletMemory && this.kubeletError === undefined) {
      try {
        const bytes = await this.opts.kubeletMemory();
        if (bytes !== undefined) this.kubelet.push(bytes);
      } catch (e) {
        this.kubeletError = e instanceof Error ? e.message : String(e);
      }
    }
    for (const w of this.waiters.splice(0)) w();
  }
}
