/**
 * `ocilab run --dry-run`: prints, step by step, every command and every Kubernetes object
 * the run would run or apply, from the Plan the targets record into. Nothing is touched.
 */
import type { RunEvent } from '../engine/events.js';
import type { Scenario } from '../engine/scenario-schema.js';
import { Plan } from '../kube/plan.js';

/** The plan lines of steps [from, to), rendered like Plan.toText. */
export function planSlice(plan: Plan, from: number, to = plan.steps.length): string {
  const part = new Plan();
  part.steps.push(...plan.steps.slice(from, to));
  return part.toText();
}

/** A run-event listener that writes the plan of each step as the step ends. */
export function dryRunPrinter(scenario: Scenario, plan: Plan, write: (text: string) => void): (e: RunEvent) => void {
  let mark = 0;
  let notes: string[] = [];
  return (e) => {
    switch (e.type) {
      case 'run.start':
        write(`# dry-run of ${scenario.id} on target ${e.target}: what would run and be applied; nothing is touched\n`);
        break;
      case 'step.start':
        mark = plan.steps.length;
        notes = [];
        break;
      case 'output':
        if (/^(note|warning|registry|git):/.test(e.line)) notes.push(`# ${e.line}\n`);
        break;
      case 'step.end': {
        const step = scenario.steps[e.index]!;
        const body = planSlice(plan, mark);
        write(`\n## step ${e.index + 1}/${scenario.steps.length} ${step.id}: ${step.title}\n${notes.join('')}${body ? `${body}\n` : '(nothing to run or apply)\n'}`);
        if (e.status === 'failed') write(`# this step would fail: ${e.message ?? 'failed'}\n`);
        break;
      }
      case 'run.end':
        write(`\n# dry-run ${e.status === 'passed' ? 'complete' : e.status}: ${plan.steps.length} planned operations\n`);
        break;
    }
  };
}

/**
 * Variables that actions set when they run, but that a dry-run does not run (fixtures.create,
 * artifact.push, cosign.*, git.commit): later steps' arguments name them, so a dry-run gives
 * each a visible placeholder instead of failing on an unknown variable. Flux object fields
 * that are checked (URLs) use scenario params and target variables, never these.
 */
export const DRY_RUN_PLACEHOLDERS: readonly string[] = [
  'fixture.dir',
  'fixture.repo',
  'fixture.name',
  'fixture.head',
  'git.head',
  'artifact.url',
  'artifact.digest',
  'artifact.tag',
  'artifact.layer.digest',
  'artifact.revision',
  'artifact.path',
  'cosign.key',
  'cosign.pub',
  'cosign.pubBase64',
  'cosign.signedDigest',
  'tamper.digest',
  'helm.archive',
  'helm.chart',
  'helm.version',
  'helm.repository',
  'helm.ref',
  'helm.digest',
  'helm.tag',
  'helm.pulled',
];

/** Sets each placeholder not set yet to `<name>`. */
export function seedDryRunVars(vars: Record<string, string>): void {
  const seeded = DRY_RUN_PLACEHOLDERS.filter((n) => !Object.hasOwn(vars, n));
  for (const n of seeded) vars[n] = `<${n}>`;
}
