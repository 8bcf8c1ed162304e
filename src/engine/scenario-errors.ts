/**
 * Turns zod issues on a scenario into problems a trainer can act on: file:line:col, the
 * field, and what was expected. Action list items get their own diagnosis (a union of
 * every registered action would otherwise say only "Invalid input").
 */
import type { z } from 'zod';
import type { ActionRegistry } from './action.js';
import { ACTION_MODIFIERS } from './scenario-schema.js';

export type PathSegment = string | number;

export interface Problem {
  path: PathSegment[];
  /** What is wrong, phrased as what was expected. */
  message: string;
  /** Point at the key of the last segment instead of its value (unknown fields, names). */
  atKey?: boolean;
  /** Point at this text inside the value (a `${name}` reference) when it is found there. */
  find?: string;
}

type Issue = z.core.$ZodIssue;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || '(top level)';
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/** Keys a strict object schema allows, unwrapping optional/default wrappers. */
function allowedKeys(schema: z.core.$ZodType | undefined): string[] | undefined {
  let s = schema;
  while (s && ['optional', 'default', 'prefault', 'nullable'].includes(s._zod.def.type)) {
    s = (s._zod.def as unknown as { innerType: z.core.$ZodType }).innerType;
  }
  if (s && s._zod.def.type === 'union') {
    // `shell: "cmd" | { command, ... }`: the one mapping form is the one with fields.
    const objects = (s._zod.def as unknown as { options: z.core.$ZodType[] }).options.filter((o) => o._zod.def.type === 'object');
    s = objects.length === 1 ? objects[0] : undefined;
  }
  if (!s || s._zod.def.type !== 'object') return undefined;
  return Object.keys((s._zod.def as unknown as { shape: Record<string, unknown> }).shape);
}

/** The sub-schema at `path` (through objects, arrays, records and wrappers), if unambiguous. */
export function schemaAt(schema: z.core.$ZodType, path: readonly PathSegment[]): z.core.$ZodType | undefined {
  let s: z.core.$ZodType | undefined = schema;
  for (const seg of path) {
    while (s && ['optional', 'default', 'prefault', 'nullable'].includes(s._zod.def.type)) {
      s = (s._zod.def as unknown as { innerType: z.core.$ZodType }).innerType;
    }
    if (!s) return undefined;
    let def = s._zod.def as unknown as Record<string, unknown>;
    if (def.type === 'union' && typeof seg === 'string') {
      // A union of mappings (the action items): follow the option that has this key.
      const option = (def.options as z.core.$ZodType[]).find(
        (o) => o._zod.def.type === 'object' && Object.hasOwn((o._zod.def as unknown as { shape: object }).shape, seg),
      );
      if (!option) return undefined;
      def = option._zod.def as unknown as Record<string, unknown>;
    }
    if (def.type === 'object') s = (def.shape as Record<string, z.core.$ZodType>)[String(seg)];
    else if (def.type === 'array') s = def.element as z.core.$ZodType;
    else if (def.type === 'record') s = def.valueType as z.core.$ZodType;
    else return undefined;
  }
  return s;
}

function describeIssue(issue: Issue, value: unknown, schema: z.core.$ZodType | undefined): Problem {
  const path = issue.path as PathSegment[];
  switch (issue.code) {
    case 'invalid_type': {
      const want = TYPE_WORDS[issue.expected] ?? issue.expected;
      if (value === undefined) return { path, message: `required: expected ${want}` };
      return { path, message: `expected ${want}, got ${kindOf(value)}` };
    }
    case 'unrecognized_keys': {
      const allowed = allowedKeys(schema);
      const key = issue.keys[0]!;
      const list = allowed ? ` (expected one of: ${allowed.filter((k) => k !== '$schema').join(', ')})` : '';
      return { path: [...path, key], atKey: true, message: `unknown field "${issue.keys.join('", "')}"${list}` };
    }
    case 'invalid_value':
      return {
        path,
        message: `expected one of: ${issue.values.map(String).join(', ')}, got ${kindOf(value)}`,
      };
    case 'invalid_format':
      return { path, message: `expected ${issue.message}, got ${kindOf(value)}` };
    case 'too_small':
      if (issue.origin === 'array') return { path, message: `expected at least ${String(issue.minimum)} item(s)` };
      if (issue.origin === 'string') return { path, message: 'expected a non-empty string' };
      return { path, message: `expected at least ${String(issue.minimum)}, got ${kindOf(value)}` };
    case 'too_big':
      return { path, message: `expected at most ${String(issue.maximum)}, got ${kindOf(value)}` };
    default:
      return { path, message: issue.message };
  }
}

/** Issues of a union: follow the branch that matched the shape (its issues are deeper), else list types. */
function describeUnion(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  root: unknown,
  schema: z.core.$ZodType,
): Problem[] {
  const base = issue.path as PathSegment[];
  const deeper = issue.errors.filter((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
  if (deeper.length >= 1) {
    const branch = deeper.sort((a, b) => a.length - b.length)[0]!;
    return branch.flatMap((i) => describe({ ...i, path: [...base, ...i.path] } as Issue, root, schema));
  }
  const wants = new Set<string>();
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first?.code === 'invalid_type') wants.add(TYPE_WORDS[first.expected] ?? first.expected);
    else if (first?.code === 'invalid_format') wants.add(first.message);
    else if (first) wants.add('a mapping');
  }
  const value = valueAt(root, base);
  return [{ path: base, message: `expected ${[...wants].join(' or ')}, got ${kindOf(value)}` }];
}

export function describe(issue: Issue, root: unknown, schema: z.core.$ZodType): Problem[] {
  if (issue.code === 'invalid_union') return describeUnion(issue, root, schema);
  const value = valueAt(root, issue.path as PathSegment[]);
  const parentSchema = issue.code === 'unrecognized_keys' ? schemaAt(schema, issue.path as PathSegment[]) : undefined;
  return [describeIssue(issue, value, parentSchema)];
}

/** True for `steps[i].run[j]`, `steps[i].check[j]`, `steps[i].solve[j]`. */
export function isActionPath(path: readonly PathSegment[]): boolean {
  return (
    path.length === 4 &&
    path[0] === 'steps' &&
    typeof path[1] === 'number' &&
    (path[2] === 'run' || path[2] === 'check' || path[2] === 'solve') &&
    typeof path[3] === 'number'
  );
}

/** Why the action item at `path` is invalid, checked against the one action it names. */
export function diagnoseAction(
  path: PathSegment[],
  root: unknown,
  registry: ActionRegistry,
  optionSchema: (name: string) => z.ZodType,
): Problem[] {
  const value = valueAt(root, path);
  const known = registry.names().join(', ');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ path, message: `expected an action like \`- shell: "echo hi"\` (one of: ${known}), got ${kindOf(value)}` }];
  }
  const names = Object.keys(value).filter((k) => !(ACTION_MODIFIERS as readonly string[]).includes(k));
  if (names.length === 0) return [{ path, message: `expected an action name (one of: ${known})` }];
  if (names.length > 1) {
    return [{ path: [...path, names[1]!], atKey: true, message: `one action per list item, found: ${names.join(', ')}` }];
  }
  const name = names[0]!;
  if (!registry.get(name)) {
    return [{ path: [...path, name], atKey: true, message: `unknown action "${name}" (known: ${known})` }];
  }
  const schema = optionSchema(name);
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.flatMap((i) => describe(i, value, schema).map((p) => ({ ...p, path: [...path, ...p.path] })));
}
