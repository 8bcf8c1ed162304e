/**
 * A measurement report: the results of a run (one method or a matrix), fleet projections
 * computed from them, the formula, and the machine it ran on. Exporters (JSON, CSV,
 * Markdown, HTML) all render this one object.
 */
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { costFromResult, projectFleet, projectionFormulaText, type FleetParams } from './projection.js';
import { ReportSchema, type MeasureReport, type ReportProjection } from './report-schema.js';
import type { MethodResult } from './types.js';

export type ReportResult = MethodResult & { preset?: string; scope?: string; cell?: string };

/** A projection to compute: which measured check and fetch, and the fleet. */
export interface ProjectionRequest {
  label: string;
  check: MethodResult;
  fetch: MethodResult;
  params: FleetParams;
}

export function machineInfo(): MeasureReport['machine'] {
  const list = cpus();
  return {
    platform: platform(),
    release: release(),
    arch: arch(),
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    totalMemoryBytes: totalmem(),
    node: process.version,
  };
}

export function projectionFor(req: ProjectionRequest): ReportProjection {
  const p = projectFleet(req.params, costFromResult(req.check), costFromResult(req.fetch));
  return { label: req.label, checkMethodId: req.check.methodId, fetchMethodId: req.fetch.methodId, ...p };
}

export function buildReport(results: readonly ReportResult[], projections: readonly ProjectionRequest[] = []): MeasureReport {
  const computed = projections.map(projectionFor);
  const includesCheck = computed.some((p) => p.params.fetchIncludesCheck);
  const report: MeasureReport = {
    schema: 'ocilab.measure.report/v2',
    createdAt: new Date().toISOString(),
    machine: machineInfo(),
    results: results.map((r) => ({ ...r })),
    projections: computed,
    projectionFormula: projectionFormulaText(includesCheck),
  };
  return ReportSchema.parse(report);
}

/** `--json`: the report, validated against its schema before it is written. */
export function reportToJson(report: MeasureReport): string {
  return JSON.stringify(ReportSchema.parse(report), null, 2) + '\n';
}

/** Read a report back (e.g. to re-render a recorded run), with a clear error when it is not one. */
export function parseReport(text: string, where = 'report'): MeasureReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: not JSON (${(err as Error).message})`);
  }
  const parsed = ReportSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new Error(`${where}: not an ocilab measurement report: ${first.path.join('.') || '(root)'}: ${first.message}`);
  }
  return parsed.data;
}

/** Label used in every table: "small/repo git.clone.shallow" or the method id alone. */
export function rowLabel(r: { cell?: string; methodId: string }): string {
  return r.cell ? `${r.cell} ${r.methodId}` : r.methodId;
}
