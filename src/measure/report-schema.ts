/**
 * The exported report's shape, as a zod schema. src/measure/report.schema.json is generated
 * from it (scripts/measure/write-report-schema.ts) and a test keeps the two identical.
 */
import { z } from 'zod';

const num = z.number();
const nullableNum = z.number().nullable();

export const StatsSchema = z.object({
  n: z.number().int().min(1),
  median: num,
  min: num,
  max: num,
  q1: num,
  q3: num,
  iqr: num,
  spread: num,
});

export const PhaseSchema = z.object({ name: z.string().min(1), ms: num });

export const RunSampleSchema = z.object({
  wallMs: num,
  harnessWallMs: num.optional(),
  bytesDown: nullableNum,
  bytesUp: nullableNum,
  clientCpuMs: nullableNum,
  clientPeakRssBytes: nullableNum,
  serverCpuMs: nullableNum,
  requests: nullableNum,
  phases: z.array(PhaseSchema).optional(),
  notes: z.array(z.string()).optional(),
});

const statsFields = z.enum(['wallMs', 'bytesDown', 'bytesUp', 'clientCpuMs', 'clientPeakRssBytes', 'serverCpuMs', 'requests']);

export const ResultSchema = z.object({
  methodId: z.string().min(1),
  label: z.string(),
  /** The transport: git or oci. */
  kind: z.enum(['git', 'oci']),
  /** A few letters for a bar: "git shallow". */
  short: z.string().min(1),
  /** Which client fetched: "git CLI process", "node process, src/oci only". */
  client: z.string().min(1),
  /** Figures measured but not comparable like for like with the other transport's: why (they are n/a in stats). */
  notComparable: z.partialRecord(statsFields, z.string().min(1)),
  /** The row failed: a run did not do its work (or errored); no figures. */
  failure: z.string().min(1).optional(),
  preset: z.string().optional(),
  scope: z.string().optional(),
  cell: z.string().optional(),
  notes: z.array(z.string()),
  runs: z.number().int().min(1),
  warmup: z.number().int().min(0),
  destination: z.object({ dir: z.string(), fsType: z.string(), mountPoint: z.string(), inMemory: z.boolean() }),
  stats: z.object({
    wallMs: StatsSchema.nullable(),
    bytesDown: StatsSchema.nullable(),
    bytesUp: StatsSchema.nullable(),
    clientCpuMs: StatsSchema.nullable(),
    clientPeakRssBytes: StatsSchema.nullable(),
    serverCpuMs: StatsSchema.nullable(),
    requests: StatsSchema.nullable(),
  }),
  phaseStats: z.record(z.string(), StatsSchema),
  /** Empty only for a failed row. */
  samples: z.array(RunSampleSchema),
  startedAt: z.string(),
  finishedAt: z.string(),
}).refine((r) => r.failure !== undefined || r.samples.length > 0, { message: 'a result that did not fail has at least one sample', path: ['samples'] });

const OpCostSchema = z.object({ bytesDown: nullableNum, bytesUp: nullableNum, serverCpuMs: nullableNum, requests: nullableNum });

export const ProjectionSchema = z.object({
  /** e.g. "Git (ls-remote + shallow clone)". */
  label: z.string(),
  checkMethodId: z.string(),
  fetchMethodId: z.string(),
  params: z.object({
    clusters: num,
    intervalMinutes: num,
    changesPerHour: num,
    fetchIncludesCheck: z.boolean(),
  }),
  check: OpCostSchema,
  fetch: OpCostSchema,
  pollsPerHour: num,
  fetchesPerHour: num,
  checksWithoutChangePerHour: num,
  bytesDownPerHour: nullableNum,
  bytesUpPerHour: nullableNum,
  serverCpuSecondsPerHour: nullableNum,
  serverCores: nullableNum,
  requestsPerHour: nullableNum,
  requestsPerSecond: nullableNum,
  bytesDownPerSecond: nullableNum,
});

/**
 * One in-cluster figure (flux.measure on kind/cluster): Flux's own controllers reconciling,
 * measured in the cluster, next to the local fetches; `note` says how it was taken.
 */
export const InClusterRowSchema = z.object({
  /** `GitRepository/<namespace>/<name>`. */
  source: z.string().min(1),
  /** `in-cluster GitRepository` / `in-cluster OCIRepository`. */
  method: z.string().min(1),
  metric: z.string().min(1),
  value: num,
  unit: z.enum(['ms', 'bytes', 'count', 'ratio']),
  note: z.string(),
});

const FleetFiguresSchema = z.object({ serverCpuMs: nullableNum, bytesDown: nullableNum, bytesUp: nullableNum, requests: nullableNum });

/** One transport of a measured fleet run (fleet.ts): measured over the window, projected for it, and their ratio. */
export const FleetTransportSchema = z.object({
  kind: z.enum(['git', 'oci']),
  label: z.string(),
  /** One check and one fetch: batches run one at a time before the window, total ÷ count; the projection's inputs. */
  check: OpCostSchema,
  fetch: OpCostSchema,
  measured: FleetFiguresSchema.extend({
    /** The server's CPU with nobody polling (rate read for 3 s before the window) × the wall time: part of serverCpuMs, left out of the ratio and the cores. */
    idleCpuMs: nullableNum,
    /** Polls attempted (checks + errors). */
    polls: z.number().int(),
    checks: z.number().int(),
    fetches: z.number().int(),
    /** Requests the pollers sent (the proxy's count is `requests`). */
    clientRequests: z.number().int(),
    errors: z.number().int(),
    errorSamples: z.array(z.string()),
    checkP50Ms: nullableNum,
    checkP99Ms: nullableNum,
    /** Polls that started later than the lateness threshold after their slot. */
    latePolls: z.number().int(),
    maxLagMs: num,
  }),
  projected: FleetFiguresSchema.extend({ polls: num, fetches: num }),
  /** Average server cores busy for the fleet: measured (idle baseline left out) over the window (the wall time when longer), projected over the window. */
  serverCores: z.object({ measured: nullableNum, projected: nullableNum }),
  /** measured ÷ projected (server CPU: without the idle baseline). */
  ratio: z.object({ serverCpu: nullableNum, bytesDown: nullableNum, requests: nullableNum }),
  /** Some polls started late: the server (or the machine) did not keep up with the interval. */
  fellBehind: z.boolean(),
});

/** `ocilab bench --fleet N`: the fleet, measured, next to its projection. */
export const FleetReportSchema = z.object({
  clusters: z.number().int().min(1),
  windowSeconds: num,
  /** From the first slot to the last report (longer than the window when polls ran late). */
  wallSeconds: num,
  /** The compressed poll interval. */
  pollSeconds: num,
  /** The interval it stands for. */
  intervalMinutes: num,
  /** intervalMinutes × 60 / pollSeconds. */
  compression: num,
  /** clusters × compression: the fleet at the real interval with the same load. */
  equivalentClusters: num,
  changes: z.number().int().min(0),
  /** Changes per hour at the real pace. */
  changesPerHourEquivalent: num,
  preset: z.string(),
  workers: z.number().int().min(1),
  /** How the simulated clients were run. */
  clients: z.string(),
  /** CPU of the worker processes (the clients), for comparison. */
  clientCpuMs: num,
  loadAverage: z.object({ before: z.array(num), after: z.array(num) }),
  calibrationRuns: z.number().int().min(1),
  changeLog: z.array(z.string()),
  transports: z.array(FleetTransportSchema),
});

export const ReportSchema = z.object({
  schema: z.literal('ocilab.measure.report/v2'),
  createdAt: z.string(),
  machine: z.object({
    platform: z.string(),
    release: z.string(),
    arch: z.string(),
    cpus: z.number().int(),
    cpuModel: z.string(),
    totalMemoryBytes: num,
    node: z.string(),
  }),
  results: z.array(ResultSchema),
  projections: z.array(ProjectionSchema),
  projectionFormula: z.array(z.string()),
  /** In-cluster rows added by flux.measure (kind/cluster targets); absent elsewhere. */
  inCluster: z.array(InClusterRowSchema).optional(),
  /** `ocilab bench --fleet N`: fleet: measured vs projected; absent elsewhere. */
  fleet: FleetReportSchema.optional(),
});

export type MeasureReport = z.infer<typeof ReportSchema>;
export type ReportProjection = z.infer<typeof ProjectionSchema>;
export type InClusterRow = z.infer<typeof InClusterRowSchema>;
export type FleetReport = z.infer<typeof FleetReportSchema>;
export type FleetTransport = z.infer<typeof FleetTransportSchema>;

/** The JSON Schema (draft 2020-12) for the report, as shipped in report.schema.json. */
export function reportJsonSchema(): Record<string, unknown> {
  return { title: 'ocilab measurement report', ...z.toJSONSchema(ReportSchema) };
}
