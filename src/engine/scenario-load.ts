/**
 * Loads a scenario file: YAML (the `yaml` document API, so every node keeps its source
 * range), validated with the zod definition. Any problem is a ScenarioLoadError listing
 * each one as `file:line:col: field: what was expected`; nothing half-loaded is returned.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ActionRegistry } from './action.js';
import { describe, diagnoseAction, formatPath, isActionPath, type PathSegment, type Problem } from './scenario-errors.js';
import { actionOptionSchema, scenarioSchema, type Scenario } from './scenario-schema.js';

export interface LocatedProblem {
  file: string;
  line: number;
  col: number;
  field: string;
  message: string;
}

export class ScenarioLoadError extends Error {
  constructor(readonly problems: LocatedProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ScenarioLoadError';
  }
}

export function formatProblem(p: LocatedProblem): string {
  return p.field ? `${p.file}:${p.line}:${p.col}: ${p.field}: ${p.message}` : `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** The source offset of the node at `path` (or of its key); falls back to the deepest existing parent. */
function offsetOf(doc: Document, path: readonly PathSegment[], atKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return offset;
      const key = pair.key as Node;
      if (last && atKey) return key.range?.[0] ?? offset;
      const value = pair.value as Node | null;
      // A key with no value (`say:`) has no range of its own: point at the key.
      offset = value?.range?.[0] ?? key.range?.[0] ?? offset;
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

/** Parses and validates scenario text; `file` is used for messages and as the scenario's file. */
export function parseScenario(text: string, file: string, registry: ActionRegistry): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioLoadError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
        const message = (e.message.split('\n')[0] ?? e.code).replace(/ at line \d+, column \d+:?$/, '');
        return { file, line: pos.line, col: pos.col, field: '', message: `invalid YAML: ${message}` };
      }),
    );
  }
  const data: unknown = doc.toJS();
  const locate = (problems: Problem[]): LocatedProblem[] =>
    problems.map((p) => {
      const pos = lineCounter.linePos(offsetOf(doc, p.path, p.atKey ?? false));
      return { file, line: pos.line, col: pos.col, field: p.path.length ? formatPath(p.path) : '', message: p.message };
    });

  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioLoadError(locate([{ path: [], message: 'expected a mapping with id, title, summary, targets, budget and steps' }]));
  }
  const schema = scenarioSchema(registry);
  const result = schema.safeParse(withParamDefaults(data as Record<string, unknown>));
  if (!result.success) {
    const optionSchema = (name: string) => actionOptionSchema(registry.get(name)!);
    const problems = result.error.issues.flatMap((issue) =>
      issue.code === 'invalid_union' && isActionPath(issue.path as PathSegment[])
        ? diagnoseAction(issue.path as PathSegment[], data, registry, optionSchema)
        : describe(issue, data, schema),
    );
    throw new ScenarioLoadError(dedupe(locate(problems)));
  }
  const scenario = result.data as unknown as Omit<Scenario, 'file'>;
  keepParamReferences(scenario, data as Record<string, unknown>);
  const seen = new Map<string, number>();
  const duplicates: Problem[] = [];
  scenario.steps.forEach((step, i) => {
    const first = seen.get(step.id);
    if (first !== undefined) duplicates.push({ path: ['steps', i, 'id'], message: `duplicate step id "${step.id}" (also steps[${first}])` });
    else seen.set(step.id, i);
  });
  if (duplicates.length > 0) throw new ScenarioLoadError(locate(duplicates));
  return { ...scenario, file };
}

const ACTION_LISTS = ['run', 'check', 'solve'] as const;
const WHOLE_PARAM = /^\$\{([A-Za-z0-9._-]+)\}$/;

function paramDefaults(data: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  const params = data['params'];
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return out;
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string') out.set(k, v);
    else if (v && typeof v === 'object' && typeof (v as { default?: unknown }).default === 'string') out.set(k, (v as { default: string }).default);
  }
  return out;
}

/**
 * A copy for validation in which an action argument that is exactly `${param}` reads as that
 * param's default, so `preset: "${preset}"` is checked against the action's schema with the
 * default value. At run time the argument is interpolated and validated again (execute.ts).
 */
function withParamDefaults(data: Record<string, unknown>): Record<string, unknown> {
  const defaults = paramDefaults(data);
  if (defaults.size === 0 || !Array.isArray(data['steps'])) return data;
  const sub = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = WHOLE_PARAM.exec(v);
      return m && defaults.has(m[1]!) ? defaults.get(m[1]!) : v;
    }
    if (Array.isArray(v)) return v.map(sub);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sub(x)]));
    return v;
  };
  const steps = (data['steps'] as unknown[]).map((step) => {
    if (step === null || typeof step !== 'object' || Array.isArray(step)) return step;
    const copy: Record<string, unknown> = { ...(step as Record<string, unknown>) };
    for (const k of ACTION_LISTS) if (k in copy) copy[k] = sub(copy[k]);
    return copy;
  });
  return { ...data, steps };
}

/** The validated scenario keeps the written action lists (with their `${param}` references). */
function keepParamReferences(scenario: Omit<Scenario, 'file'>, data: Record<string, unknown>): void {
  if (paramDefaults(data).size === 0) return;
  const raw = data['steps'] as Record<string, unknown>[];
  scenario.steps.forEach((step, i) => {
    for (const k of ACTION_LISTS) if (Array.isArray(raw[i]?.[k])) (step as unknown as Record<string, unknown>)[k] = raw[i]![k];
  });
}

function dedupe(problems: LocatedProblem[]): LocatedProblem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = formatProblem(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
}

/** Reads and validates a scenario file. Throws ScenarioLoadError (exit code 2 in the CLI). */
export function loadScenarioFile(path: string, registry: ActionRegistry): Scenario {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ScenarioLoadError([{ file: path, line: 1, col: 1, field: '', message: `cannot read scenario: ${reason}` }]);
  }
  return { ...parseScenario(text, path, registry), file };
}
