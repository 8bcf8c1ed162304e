/**
 * What a scenario expects of a source's status (conditions, the artifact revision kept or
 * served), checked against a SourceStatus; and the status printed the way
 * `flux get sources oci` and `kubectl get -o yaml` show it. Pure: no reconciler, no I/O.
 */
import { z } from 'zod';
import { getCondition } from './conditions.js';
import type { SourceStatus } from './status.js';

/** YAML 1.2 reads an unquoted True/False as a boolean; both spellings are accepted. */
const conditionStatus = z
  .union([z.enum(['True', 'False', 'Unknown']), z.boolean()])
  .transform((v) => (v === true ? 'True' : v === false ? 'False' : v));

export const ConditionExpectationSchema = z.strictObject({
  status: conditionStatus.optional().describe('The condition\'s status: True, False or Unknown (an unquoted true/false is read as True/False).'),
  reason: z.string().optional().describe('The condition\'s reason, exactly, e.g. VerificationError.'),
  message: z.string().optional().describe('A part of the condition\'s message (plain text, not a pattern).'),
});
export type ConditionExpectation = z.infer<typeof ConditionExpectationSchema>;

export interface StatusExpectation {
  /** By condition type (Ready, SourceVerified, FetchFailed...). */
  conditions: Record<string, ConditionExpectation>;
  /** status.artifact.revision must be exactly this (the artifact in use). */
  revision?: string;
}

/** Every way `status` differs from `want`, each said in one sentence; empty when it matches. */
export function statusMismatches(status: SourceStatus, want: StatusExpectation): string[] {
  const out: string[] = [];
  for (const [type, exp] of Object.entries(want.conditions)) {
    const c = getCondition(status.conditions, type);
    const wanted = [exp.status, exp.reason].filter(Boolean).join('/');
    if (!c) {
      out.push(`${type} is not set${wanted ? `, expected ${wanted}` : ''}`);
      continue;
    }
    if ((exp.status && c.status !== exp.status) || (exp.reason && c.reason !== exp.reason)) {
      out.push(`${type} is ${c.status}/${c.reason} ("${c.message}"), expected ${wanted}`);
    } else if (exp.message && !c.message.includes(exp.message)) {
      out.push(`${type} message "${c.message}" does not contain "${exp.message}"`);
    }
  }
  if (want.revision !== undefined) {
    const rev = status.artifact?.revision;
    if (!rev) out.push(`no artifact is stored, expected revision ${want.revision}`);
    else if (rev !== want.revision) out.push(`the artifact in use is ${rev}, expected ${want.revision}`);
  }
  return out;
}

/** `flux get sources oci <name>`-like summary plus one line per condition. */
export function describeStatus(name: string, status: SourceStatus): string[] {
  const ready = getCondition(status.conditions, 'Ready');
  const lines = [
    `${name}: revision ${status.artifact?.revision ?? '(none)'}  ready ${ready?.status ?? 'Unknown'}  ${ready?.message ?? ''}`.trimEnd(),
  ];
  for (const c of status.conditions) lines.push(`  ${c.type}=${c.status} ${c.reason}: ${c.message}`);
  return lines;
}
