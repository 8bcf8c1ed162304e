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
});

export type MeasureReport = z.infer<typeof ReportSchema>;
export type ReportProjection = z.infer<typeof ProjectionSchema>;
export type InClusterRow = z.infer<typeof InClusterRowSchema>;

/** The JSON Schema (draft 2020-12) for the report, as shipped in report.schema.json. */
export function reportJsonSchema(): Record<string, unknown> {
  return { title: 'ocilab measurement report', ...z.toJSONSchema(ReportSchema) };
}
