/**
 * What a scenario expects of a Flux object's status (conditions, the revision in use), checked
 * the same way on every target: the local reconciler's objects and the API server's have one
 * shape (FluxStatusObject). And the status in lines, as `flux get` and `kubectl get -o yaml`
 * show it. Pure: no target, no I/O.
 */
import { z } from 'zod';
import { condition, revisionOf, type FluxStatusObject } from './conditions.js';

/** YAML 1.2 reads an unquoted True/False as a boolean; both spellings are accepted. */
const statusArg = z
  .union([z.enum(['True', 'False', 'Unknown']), z.boolean()])
  .transform((v) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : v));

export const ConditionExpectationSchema = z.strictObject({
  status: statusArg.optional().describe('The condition\'s status: True, False or Unknown (an unquoted true/false is read as True/False).'),
  reason: z.string().optional().describe('The condition\'s reason, exactly, e.g. VerificationError.'),
  message: z.string().optional().describe('A part of the condition\'s message (plain text, not a pattern).'),
});
export type ConditionExpectation = z.infer<typeof ConditionExpectationSchema>;

export interface Expectation {
  conditions: Record<string, ConditionExpectation>;
  /** status.artifact.revision (sources), status.lastAppliedRevision (Kustomization), the deployed chart version (HelmRelease). */
  revision?: string;
}

/** Each way the object differs from what is expected, in one sentence each; empty when it matches. */
export function mismatches(obj: FluxStatusObject | undefined, want: Expectation): string[] {
  if (!obj) return ['it does not exist (apply it first)'];
  const out: string[] = [];
  for (const [type, exp] of Object.entries(want.conditions)) {
    const c = condition(obj, type);
    const wanted = [exp.status, exp.reason].filter(Boolean).join('/');
    if (!c) {
      out.push(`${type} is not set${wanted ? `, expected ${wanted}` : ''}`);
    } else if ((exp.status && c.status !== exp.status) || (exp.reason && c.reason !== exp.reason)) {
      out.push(`${type} is ${c.status}/${c.reason ?? ''} ("${c.message ?? ''}"), expected ${wanted}`);
    } else if (exp.message && !(c.message ?? '').includes(exp.message)) {
      out.push(`${type} message "${c.message ?? ''}" does not contain "${exp.message}"`);
    }
  }
  if (want.revision !== undefined) {
    const rev = revisionOf(obj);
    if (!rev) out.push(`no revision in use yet, expected ${want.revision}`);
    else if (rev !== want.revision) out.push(`the revision in use is ${rev}, expected ${want.revision}`);
  }
  return out;
}

/** The expectation in one line, e.g. `SourceVerified=False/VerificationError, revision latest@sha256:…`. */
export function describeExpectation(want: Expectation): string {
  const parts = Object.entries(want.conditions).map(([type, e]) => `${type}=${e.status ?? 'any'}${e.reason ? `/${e.reason}` : ''}${e.message ? ` ("…${e.message}…")` : ''}`);
  if (want.revision !== undefined) parts.push(`revision ${want.revision}`);
  return parts.join(', ') || 'it exists';
}

/** Lines for the live pane: the revision in use and Ready, then every condition. */
export function describeObject(name: string, obj: FluxStatusObject | undefined): string[] {
  if (!obj) return [`${name}: not found`];
  const ready = condition(obj, 'Ready');
  const lines = [`${name}: revision ${revisionOf(obj) ?? '(none)'}  ready ${ready?.status ?? 'Unknown'}  ${ready?.message ?? ''}`.trimEnd()];
  for (const c of obj.status?.conditions ?? []) lines.push(`  ${c.type}=${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`);
  return lines;
}
