/**
 * The scenario format as one zod definition. Built from the ActionRegistry, so an action
 * step is only valid with a known action name and arguments that pass that action's schema.
 * The same definition produces scenarios/schema.json (z.toJSONSchema) for editors.
 */
import { z } from 'zod';
import type { ActionDefinition, ActionRegistry } from './action.js';
import { DURATION_PATTERN } from './duration.js';

import { TARGETS } from './scenario-names.js';

export { MODES, TARGETS } from './scenario-names.js';

/** Keys an action mapping may carry next to its one action name. */
export const ACTION_MODIFIERS = ['timeout', 'as'] as const;

export const durationSchema = z
  .string()
  .regex(new RegExp(DURATION_PATTERN), { error: 'a duration like "90s", "25m", "1h30m" or "500ms"' })
  .meta({ id: 'Duration', description: 'A duration: "90s", "25m", "1h30m", "500ms".' });

const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, { error: 'an id of lowercase letters, digits, ".", "_" or "-"' });

const modifierShape = {
  timeout: durationSchema.optional().describe('Fail the action when it runs longer than this.'),
  as: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .optional()
    .describe('A name for this action\'s output, for a later `wait: { output: ..., from: <name> }`.'),
};

/** One action item: `{ <name>: <args>, timeout?, as? }`, strict. */
export function actionOptionSchema(def: ActionDefinition<any>) {
  const { timeout, ...others } = modifierShape;
  const modifiers = def.timeoutArgument ? others : { timeout, ...others };
  return z.strictObject({ [def.name]: def.args, ...modifiers }).describe(def.description);
}

/** `- shell: "echo hi"` — a union of one strict mapping per registered action. */
export function actionSchema(registry: ActionRegistry) {
  const options = registry.all().map(actionOptionSchema);
  if (options.length === 0) throw new Error('the action registry is empty');
  if (options.length === 1) return options[0]!;
  return z.union(options as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
}

/**
 * The scenario format; without a registry an action is any mapping, its name and arguments
 * unchecked (`ocilab list` shows titles and step counts without loading every area's actions).
 */
export function scenarioSchema(registry?: ActionRegistry) {
  // Named ($defs in schema.json) because run, check and solve all use them.
  const action = (registry ? actionSchema(registry) : z.record(z.string(), z.unknown())).meta({ id: 'Action', description: 'One action: `- <name>: <args>`, optionally with `timeout` and `as`.' });
  const actions = z.array(action);
  const step = z
    .strictObject({
      id: idSchema.describe('Unique within the scenario; `--from-step` accepts it.'),
      title: z.string().min(1).describe('One line, shown in the step list.'),
      say: z.string().optional().describe('Narration in Markdown, shown to the audience.'),
      notes: z.string().optional().describe('Speaker notes, shown on the notes screen only.'),
      show: z.string().optional().describe('The command the audience sees (workshop: the one the learner types).'),
      run: actions.default([]).describe('Actions that perform the step (workshop mode: its setup).'),
      check: actions.optional().describe('Actions that verify the step\'s outcome; all must succeed.'),
      solve: actions.optional().describe('Actions that bring a learner to the step\'s end state (skip, --from-step).'),
      hint: z.union([z.string(), z.array(z.string())]).optional().describe('One hint or a list, shown in order.'),
      budget: durationSchema.optional().describe('Time budget shown against the step timer.'),
      timeout: durationSchema.optional().describe('Fail the step when it runs longer than this (default 10m).'),
      optional: z.boolean().default(false).describe('May be skipped to save time; skipping runs nothing.'),
    })
    .meta({ id: 'Step', description: 'One step of a scenario.' });
  const param = z.union([
    z.string(),
    z.strictObject({
      default: z.string().describe('Used unless `--param name=value` overrides it.'),
      description: z.string().optional(),
    }),
  ]);
  return z
    .strictObject({
      $schema: z.string().optional(),
      id: idSchema.describe('Used by `ocilab run <id>`.'),
      title: z.string().min(1),
      summary: z.string().min(1).describe('One or two sentences, shown by `ocilab list`.'),
      targets: z.array(z.enum(TARGETS)).min(1).describe('Targets this scenario runs on.'),
      budget: durationSchema.describe('Total time budget, e.g. "25m".'),
      params: z
        .record(z.string().regex(/^[A-Za-z0-9._-]+$/), param)
        .default({})
        .describe('Parameters with defaults, overridable by `--param key=value`; interpolated as ${key}.'),
      steps: z.array(step).min(1),
    })
    .describe('An ocilab scenario.');
}

export type ScenarioSchema = ReturnType<typeof scenarioSchema>;

/** One action as a scenario file writes it: `{ shell: "echo hi", timeout?: "10s", as?: "srv" }`. */
export type ActionSpec = Record<string, unknown>;

export interface Step {
  id: string;
  title: string;
  say?: string;
  notes?: string;
  show?: string;
  run: ActionSpec[];
  check?: ActionSpec[];
  solve?: ActionSpec[];
  hint?: string | string[];
  budget?: string;
  timeout?: string;
  optional: boolean;
}

export interface Scenario {
  id: string;
  title: string;
  summary: string;
  targets: (typeof TARGETS)[number][];
  budget: string;
  params: Record<string, string | { default: string; description?: string }>;
  steps: Step[];
  /** Absolute path of the file it was loaded from. */
  file: string;
  /** `file:line:col: …` for each former action or argument name the file uses (it loads; the CLI prints these). */
  warnings?: string[];
}

/** The action name of a mapping (its one key that is not a modifier). */
export function actionNameOf(spec: ActionSpec): string {
  const names = Object.keys(spec).filter((k) => !(ACTION_MODIFIERS as readonly string[]).includes(k));
  return names[0] ?? '';
}
