/**
 * The measurement harness's data shapes. A fetch method knows how to fetch once and what
 * it can count; the harness runs it N times on fresh destinations and keeps every sample,
 * so every figure in a report can be traced back to the runs it came from.
 */
import type { Transport } from '../engine/action-definition.js';
import { metricInfo, metricOfField, SAMPLE_METRICS, type MetricInfo, type MetricName, type MetricUnit, type SampleField } from './metrics.js';

/** One part of a run's wall time, when a method can tell them apart. */
export interface Phase {
  /** e.g. "startup" (process start), "network" (fetch), "extract" (untar/checkout). */
  name: string;
  ms: number;
}

/** What one run of a fetch method measured. `null` means "this method cannot count it here" (n/a). */
export interface RunSample {
  /**
   * Wall time of the fetch: measured by the harness around `run()`, unless the method timed
   * the fetch itself (it does bookkeeping in `run()` that is not part of the fetch).
   */
  wallMs: number;
  /** Set when the method timed itself: what the harness saw around `run()`, for comparison. */
  harnessWallMs?: number;
  /** Bytes from server to client, on the wire (server counters or counting proxy). */
  bytesDown: number | null;
  /** Bytes from client to server, on the wire. */
  bytesUp: number | null;
  /** Client CPU (user + system). */
  clientCpuMs: number | null;
  /** Client peak resident set size. */
  clientPeakRssBytes: number | null;
  /** Server CPU spent on this run's requests, from the server's own accounting. */
  serverCpuMs: number | null;
  /** Requests the server (or proxy) saw during the run. */
  requests: number | null;
  phases?: Phase[];
  /** Where the numbers came from, e.g. "bytes: counting proxy", "cpu: wait4 rusage via /usr/bin/time". */
  notes?: string[];
}

/**
 * What a method's `run` returns. Omitted figures become null (n/a). `wallMs` only when the
 * method timed the fetch itself; otherwise the harness's timing around `run()` is used.
 */
export type MethodOutcome = Partial<Omit<RunSample, 'harnessWallMs'>>;

export type SourceKind = Transport;

export interface FetchMethod {
  /** Stable id, e.g. "git.clone.shallow", "oci.pull". */
  id: string;
  /** For people, e.g. "Git shallow clone (what Flux does)". */
  label: string;
  kind: SourceKind;
  /** "git shallow", "oci HEAD": the few letters a bar has room for. */
  short: string;
  /** Which client fetches, in a few words: "git CLI process", "node process, src/oci only". */
  client: string;
  /**
   * Figures this method measures but that cannot be compared like for like with the other
   * transport's (e.g. in-process CPU next to a process tree's): shown as n/a with the reason.
   */
  notComparable?: Partial<Record<SampleField, string>>;
  /** How the method works and what it counts, shown next to its results. */
  notes?: string[];
  /** Fetch once into `dest` (a fresh, empty directory the harness removes afterwards). */
  run(dest: string, signal: AbortSignal): Promise<MethodOutcome>;
}

/** The per-run fields every sample carries, in report order (names and units: metrics.ts). */
export const SAMPLE_FIELDS = SAMPLE_METRICS.map((m) => m.field);
export type { SampleField, MetricUnit };

/** Unit and label of a sample field, from the one metric table. */
export function fieldInfo(field: SampleField): MetricInfo & { name: MetricName } {
  const name = metricOfField(field);
  return { ...metricInfo(name), name };
}

/** Order statistics of one metric over the measured runs (warm-up runs excluded). */
export interface Stats {
  /** Runs that had a value for this metric. */
  n: number;
  median: number;
  min: number;
  max: number;
  /** First and third quartile (linear interpolation between order statistics). */
  q1: number;
  q3: number;
  iqr: number;
  /** (max - min) / median; 0 when the median is 0. */
  spread: number;
}

/** Where the run's files were written, from /proc/mounts. */
export interface DestinationInfo {
  /** Parent directory of the per-run temp dirs. */
  dir: string;
  /** Filesystem type, e.g. "tmpfs", "ext4"; "unknown" when /proc/mounts is unreadable. */
  fsType: string;
  mountPoint: string;
  /** True for memory-backed filesystems (tmpfs, ramfs). */
  inMemory: boolean;
}

export interface MethodResult {
  methodId: string;
  label: string;
  kind: SourceKind;
  short: string;
  client: string;
  /** Per figure that is n/a although measured: why it cannot be compared. */
  notComparable: Partial<Record<SampleField, string>>;
  /** Set when a run did not do its work (or failed): the row has no figures, only this reason. */
  failure?: string;
  notes: string[];
  runs: number;
  warmup: number;
  destination: DestinationInfo;
  /** Per figure; null when no run had it (n/a) or it is not comparable (see notComparable). */
  stats: Record<SampleField, Stats | null>;
  /** Per phase name, over the runs that reported it. */
  phaseStats: Record<string, Stats>;
  /** The measured runs, in order (warm-up runs are not kept). */
  samples: RunSample[];
  startedAt: string;
  finishedAt: string;
}

/** Server-side (or proxy) counters a method reads before and after a run. */
export interface TrafficCounters {
  bytesDown: number;
  bytesUp: number;
  /** null where the counter cannot count requests (a non-HTTP stream through the proxy). */
  requests: number | null;
  /** null where the server's CPU is not accounted (an external server behind the proxy). */
  serverCpuMs: number | null;
  /** Connections whose requests could not be counted (TLS, git://); any during a run makes its requests n/a. */
  uncountedConnections?: number;
}

/** Something that counts a server's traffic: ocilab's servers, or the counting proxy. */
export interface TrafficMeter {
  /** Where the figures come from, e.g. "counting proxy (TCP payload)". */
  source: string;
  read(): TrafficCounters | Promise<TrafficCounters>;
}
