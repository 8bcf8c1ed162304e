/**
 * Loads a scenario file: YAML (the `yaml` document API, so every node keeps its source
 * range), validated with the zod definition. Any problem is a ScenarioLoadError listing
 * each one as `file:line:col: field: what was expected`; nothing half-loaded is returned.
 * Before parsing, the size and nesting depth are capped (scenario-limits.ts); before
 * converting, every alias must name an earlier anchor and all of them together may not
 * expand the document past MAX_EXPANDED_NODES; after the schema, values that can be
 * checked without running anything are (scenario-checks.ts).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { valueProblems, variableProblems } from './scenario-checks.js';
import { BUILTIN_VARS } from './builtin-vars.js';
import { applyRenames } from './scenario-renames.js';
import { findExcessiveDepth, MAX_EXPANDED_NODES, MAX_SCENARIO_BYTES, MAX_SCENARIO_DEPTH } from './scenario-limits.js';
import { namesSet } from './action-definition.js';
import type { ActionRegistry } from './action-registry.js';
import { formatProblem, ScenarioLoadError, type LocatedProblem } from './load-errors.js';
import { describe, diagnoseAction, formatPath, isActionPath, type PathSegment, type Problem } from './scenario-errors.js';
import { actionOptionSchema, scenarioSchema, type Scenario } from './scenario-schema.js';
import { ACTION_LISTS } from './scenario-names.js';

export { formatProblem, ScenarioLoadError, type LocatedProblem } from './load-errors.js';

/**
 * The source offset of the node at `path` (or of its key); falls back to the deepest existing
 * parent. With `find`, the offset of that text inside the node's source, when it is there.
 */
function offsetOf(doc: Document, path: readonly PathSegment[], atKey: boolean, find?: string, text?: string): number {
  const start = nodeOffset(doc, path, atKey);
  if (find === undefined || text === undefined) return start.offset;
  const at = text.indexOf(find, start.offset);
  return at >= 0 && at < start.end ? at : start.offset;
}

function nodeOffset(doc: Document, path: readonly PathSegment[], atKey: boolean): { offset: number; end: number } {
  const found = (node: unknown, offset: number) => ({ offset, end: (node as Node | null)?.range?.[1] ?? offset });
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return found(undefined, offset);
      const key = pair.key as Node;
      if (last && atKey) return found(undefined, key.range?.[0] ?? offset);
      const value = pair.value as Node | null;
      // A key with no value (`say:`) has no range of its own: point at the key.
      offset = value?.range?.[0] ?? key.range?.[0] ?? offset;
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return found(undefined, offset);
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return found(undefined, offset);
    }
  }
  return found(node, offset);
}

/** Parses and validates scenario text; `file` is used for messages and as the scenario's file. */
export function parseScenario(text: string, file: string, registry: ActionRegistry | undefined): Scenario {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_SCENARIO_BYTES) throw new ScenarioLoadError([tooLarge(file, bytes)]);
  const deep = findExcessiveDepth(text);
  if (deep) {
    const pos = new LineCounter();
    pos.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0 && i < deep.offset; i = text.indexOf('\n', i + 1)) pos.addNewLine(i + 1);
    const at = pos.linePos(deep.offset);
    throw new ScenarioLoadError([{ file, line: at.line, col: at.col, field: '', message: `nested more than ${MAX_SCENARIO_DEPTH} levels deep (mappings and sequences); a scenario needs far fewer` }]);
  }
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
  const aliasProblem = checkAliases(doc);
  if (aliasProblem) {
    const pos = lineCounter.linePos(aliasProblem.offset);
    throw new ScenarioLoadError([{ file, line: pos.line, col: pos.col, field: '', message: aliasProblem.message }]);
  }
  let data: unknown;
  try {
    // checkAliases bounded the expansion (with a position to report): yaml's own coarser
    // count (maxAliasCount) is not needed on top, and would report no position.
    data = doc.toJS({ maxAliasCount: -1 });
  } catch (err) {
    // anything the checks above did not foresee is still an invalid scenario, not a crash
    throw new ScenarioLoadError([{ file, line: 1, col: 1, field: '', message: `invalid YAML: ${(err as Error).message}` }]);
  }
  const locate = (problems: Problem[]): LocatedProblem[] =>
    problems.map((p) => {
      const pos = lineCounter.linePos(offsetOf(doc, p.path, p.atKey ?? false, p.find, text));
      return { file, line: pos.line, col: pos.col, field: p.path.length ? formatPath(p.path) : '', message: p.message };
    });

  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioLoadError(locate([{ path: [], message: 'expected a mapping with id, title, summary, targets, budget and steps' }]));
  }
  // Former action and argument names become the current ones before validation; each is a warning.
  // Without a registry (`ocilab list`: actions are not checked) nothing is renamed or checked.
  const renamed = registry ? locate(applyRenames(data as Record<string, unknown>, registry)).map(formatProblem) : [];
  const schema = scenarioSchema(registry);
  const defaults = paramDefaults(data as Record<string, unknown>);
  const result = schema.safeParse(withParamDefaults(data as Record<string, unknown>, defaults));
  if (!result.success) {
    const optionSchema = (name: string) => actionOptionSchema(registry!.get(name)!);
    const problems = result.error.issues.flatMap((issue) =>
      registry && issue.code === 'invalid_union' && isActionPath(issue.path as PathSegment[])
        ? diagnoseAction(issue.path as PathSegment[], data, registry, optionSchema)
        : describe(issue, data, schema),
    );
    throw new ScenarioLoadError(dedupe(locate(problems)));
  }
  const validated = result.data as unknown as Omit<Scenario, 'file'>;
  // The validated arguments (defaults filled in, a whole `${param}` read as its default) say
  // which variables each action sets; the scenario keeps the lists as written.
  const scenario = { ...validated, steps: withWrittenLists(validated.steps, data as Record<string, unknown>, defaults) };
  const seen = new Map<string, number>();
  const duplicates: Problem[] = [];
  scenario.steps.forEach((step, i) => {
    const first = seen.get(step.id);
    if (first !== undefined) duplicates.push({ path: ['steps', i, 'id'], message: `duplicate step id "${step.id}" (also steps[${first}])` });
    else seen.set(step.id, i);
  });
  if (duplicates.length > 0) throw new ScenarioLoadError(locate(duplicates));
  const values = valueProblems(scenario.steps);
  if (values.length > 0) throw new ScenarioLoadError(dedupe(locate(values)));
  if (registry) {
    const known = new Set([...Object.keys(scenario.params), ...Object.keys(BUILTIN_VARS)]);
    const setsOf = (name: string, args: unknown) => {
      const def = registry.get(name);
      return def ? namesSet(def, args) : [];
    };
    const unknownVars = variableProblems(validated.steps, known, setsOf);
    if (unknownVars.length > 0) throw new ScenarioLoadError(dedupe(locate(unknownVars)));
  }
  return { ...scenario, file, ...(renamed.length > 0 ? { warnings: renamed } : {}) };
}

function tooLarge(file: string, bytes: number): LocatedProblem {
  return { file, line: 1, col: 1, field: '', message: `scenario file is ${bytes > 10 * MAX_SCENARIO_BYTES ? 'over 10 MiB' : `${bytes} bytes`}, over the limit of ${MAX_SCENARIO_BYTES} bytes (1 MiB); nothing was read further` };
}

/**
 * Every alias names an anchor set before it (and not a node that contains it), and the
 * document with every alias expanded stays under MAX_EXPANDED_NODES — checked on the node
 * tree, whose depth the pre-parse scan has bounded, before anything is expanded.
 */
function checkAliases(doc: Document): { offset: number; message: string } | undefined {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  class Stop extends Error {
    constructor(readonly at: { offset: number; message: string }) {
      super(at.message);
    }
  }
  const at = (node: unknown) => (node as Node | null)?.range?.[0] ?? 0;
  const over = (node: unknown): never => {
    throw new Stop({ offset: at(node), message: `aliases expand the document past ${MAX_EXPANDED_NODES} nodes (a YAML alias bomb?); write the repeated part out or repeat it less` });
  };
  const size = (node: unknown): number => {
    if (node === null || node === undefined) return 1;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) throw new Stop({ offset: at(node), message: `undefined alias *${node.source}: no anchor &${node.source} before it` });
      if (open.has(target)) throw new Stop({ offset: at(node), message: `alias *${node.source} is inside the node it names (a cycle)` });
      return sizes.get(target)!;
    }
    const n = node as Node;
    if (n.anchor) anchors.set(n.anchor, n);
    let total = 1;
    if (isMap(n) || isSeq(n)) {
      open.add(n);
      for (const item of n.items as unknown[]) {
        const parts = isPair(item) ? [item.key, item.value] : [item];
        for (const part of parts) {
          total += size(part);
          if (total > MAX_EXPANDED_NODES) over(part);
        }
      }
      open.delete(n);
    }
    sizes.set(n, total);
    return total;
  };
  try {
    size(doc.contents);
    return undefined;
  } catch (err) {
    if (err instanceof Stop) return err.at;
    throw err;
  }
}

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
function withParamDefaults(data: Record<string, unknown>, defaults: ReadonlyMap<string, string>): Record<string, unknown> {
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

/** The validated steps with their action lists as written (`${param}` references kept), when withParamDefaults changed any. */
function withWrittenLists(steps: Scenario['steps'], data: Record<string, unknown>, defaults: ReadonlyMap<string, string>): Scenario['steps'] {
  if (defaults.size === 0) return steps;
  const raw = data['steps'] as Record<string, unknown>[];
  return steps.map((step, i) => {
    const copy: Record<string, unknown> = { ...step };
    for (const k of ACTION_LISTS) if (Array.isArray(raw[i]?.[k])) copy[k] = raw[i]![k];
    return copy as unknown as typeof step;
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

/**
 * Reads and validates a scenario file. Throws ScenarioLoadError (exit code 2 in the CLI).
 * Without a registry the actions' names and arguments are not checked (see scenarioSchema).
 */
export function loadScenarioFile(path: string, registry: ActionRegistry | undefined): Scenario {
  const file = resolve(path);
  return { ...parseScenario(readScenarioText(file, path), path, registry), file };
}

/** The file's text, read only when it is a regular file within MAX_SCENARIO_BYTES (never more than that is read). */
function readScenarioText(file: string, shown: string): string {
  const fail = (reason: string) => new ScenarioLoadError([{ file: shown, line: 1, col: 1, field: '', message: `cannot read scenario: ${reason}` }]);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw fail((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw fail('it is a directory, not a file');
    if (!st.isFile()) throw fail('not a regular file');
    if (st.size > MAX_SCENARIO_BYTES) throw new ScenarioLoadError([tooLarge(shown, st.size)]);
    // Read at most one byte past the cap: a file growing while read is still refused.
    const buf = Buffer.alloc(MAX_SCENARIO_BYTES + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_SCENARIO_BYTES) throw new ScenarioLoadError([tooLarge(shown, n)]);
    return buf.subarray(0, n).toString('utf8');
  } catch (err) {
    if (err instanceof ScenarioLoadError) throw err;
    throw fail((err as Error).message);
  } finally {
    closeSync(fd);
  }
}
