/**
 * docs/actions.md: every action with its arguments (type, default, description, from the
 * same zod schemas as scenarios/schema.json), where it acts, the variables it sets (its
 * `sets` declaration) and an example from a shipped scenario. Written by `npm run schema`
 * (scripts/generate-schema.ts); test/docs/actions-doc.test.ts fails when it is stale.
 * Pure: the caller reads the scenario files and writes the page.
 */
import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import type { ActionDefinition, ActionRegistry } from './action.js';
import { BUILTIN_VARS } from './builtin-vars.js';
import { ACTION_MODIFIERS } from './scenario-schema.js';

/** A shipped scenario's text and its path relative to the repository root (`scenarios/hello.yaml`). */
export interface ScenarioSource {
  path: string;
  text: string;
}

type Json = Record<string, unknown>;

interface Row {
  name: string;
  type: string;
  required: boolean;
  default?: unknown;
  description: string;
}

/** Markdown text: `<`, `>` and `*` outside code spans escaped (`<name>` is not an HTML tag), one line. */
const md = (text: string) =>
  text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\*/g, '\\*')))
    .join('')
    .replace(/\n/g, ' ');
const cell = (text: string) => md(text).replace(/\|/g, '\\|');
const code = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

function typeOf(s: Json): string {
  if (typeof s.$ref === 'string') return s.$ref.split('/').pop() === 'Duration' ? 'duration' : s.$ref.split('/').pop()!;
  if (s.const !== undefined) return code(JSON.stringify(s.const));
  if (Array.isArray(s.enum)) return s.enum.map((v) => code(String(v))).join(' \\| ');
  const union = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (union) return [...new Set(union.map(typeOf))].join(' or ');
  switch (s.type) {
    case 'array':
      return `list of ${typeOf((s.items as Json | undefined) ?? {})}`;
    case 'object':
      if (s.properties) return 'mapping';
      if (s.additionalProperties && typeof s.additionalProperties === 'object') return `mapping of ${typeOf(s.additionalProperties as Json)}`;
      return 'mapping';
    case 'integer':
      return 'integer';
    case undefined:
      return 'any';
    case 'number':
    case 'string':
    case 'boolean':
      return s.type;
    default:
      return Array.isArray(s.type) ? s.type.join(' or ') : String(s.type);
  }
}

/** The rows of an object schema, nested objects and list items flattened (`projection.clusters`, `sources[].kind`). */
function rowsOf(s: Json, prefix = ''): Row[] {
  const props = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  const rows: Row[] = [];
  for (const [key, prop] of Object.entries(props)) {
    const name = `${prefix}${key}`;
    rows.push({ name, type: typeOf(prop), required: required.has(key) && prop.default === undefined, default: prop.default, description: String(prop.description ?? '') });
    rows.push(...nestedRows(prop, name));
  }
  return rows;
}

function nestedRows(prop: Json, name: string): Row[] {
  const inner = (prop.anyOf as Json[] | undefined)?.find((o) => o.type === 'object' || o.type === 'array') ?? prop;
  if (inner.type === 'object' && inner.properties) return rowsOf(inner, `${name}.`);
  if (inner.type === 'object' && inner.additionalProperties && typeof inner.additionalProperties === 'object' && (inner.additionalProperties as Json).properties) {
    return rowsOf(inner.additionalProperties as Json, `${name}.<key>.`);
  }
  if (inner.type === 'array' && (inner.items as Json | undefined)?.properties) return rowsOf(inner.items as Json, `${name}[].`);
  const itemForms = ((inner.items as Json | undefined)?.anyOf ?? (inner.items as Json | undefined)?.oneOf) as Json[] | undefined;
  if (inner.type === 'array' && itemForms) {
    return itemForms.flatMap((o) => (o.properties ? rowsOf(o, `${name}[${formLabel(o)}].`) : []));
  }
  return [];
}

function table(rows: Row[]): string[] {
  if (rows.length === 0) return ['No arguments: write `{}`.'];
  const out = ['| argument | type | default | description |', '|---|---|---|---|'];
  for (const r of rows) {
    const def = r.required ? 'required' : r.default === undefined ? '' : code(JSON.stringify(r.default));
    out.push(`| ${code(r.name)} | ${r.type} | ${def} | ${cell(r.description)} |`);
  }
  return out;
}

/** A label for one object form of a union: its discriminating constant, or its required fields. */
function formLabel(option: Json): string {
  for (const [k, p] of Object.entries((option.properties ?? {}) as Record<string, Json>)) {
    if (p.const !== undefined) return `${k}: ${String(p.const)}`;
  }
  const required = (option.required as string[] | undefined) ?? [];
  return required.length ? `with ${required.join(', ')}` : 'a mapping';
}

function argumentsSection(def: ActionDefinition<any>): string[] {
  const schema = z.toJSONSchema(def.args, { io: 'input', unrepresentable: 'any' }) as Json;
  // A union inside a union (flux.apply: yaml | file | one of the object kinds) reads as one list of forms.
  const flatten = (o: Json): Json[] => ((o.anyOf ?? o.oneOf) as Json[] | undefined)?.flatMap(flatten) ?? [o];
  const options = schema.anyOf || schema.oneOf ? flatten(schema) : undefined;
  if (!options) {
    if (schema.type === 'object' || schema.properties) return table(rowsOf(schema));
    return [`One value: ${typeOf(schema)}. ${md(String(schema.description ?? ''))}`.trimEnd()];
  }
  const out: string[] = [];
  const objects = options.filter((o) => o.type === 'object' && o.properties);
  for (const o of options.filter((x) => !(x.type === 'object' && x.properties))) {
    out.push(`- Short form, ${typeOf(o)}: ${md(String(o.description ?? ''))}`.trimEnd());
  }
  if (objects.length === 1) {
    if (out.length) out.push('');
    out.push(...table(rowsOf(objects[0]!)));
    return out;
  }
  for (const o of objects) {
    if (out.length) out.push('');
    out.push(`Form ${code(formLabel(o))}:`, '', ...table(rowsOf(o)));
  }
  return out;
}

function whereSection(def: ActionDefinition<any>): string {
  const limited = z.toJSONSchema(def.args, { io: 'input', unrepresentable: 'any' });
  const hasTargets = JSON.stringify(limited).includes('"targets":');
  const where = def.plansInDryRun
    ? "On the run's target, whichever it is (local, kind, cluster), through the target's own servers and Flux; `--dry-run` records what it would change."
    : 'On this machine, in ocilab or in a process it starts, whatever the target; `--dry-run` lists it as not run.';
  return hasTargets ? `${where} \`targets: [...]\` limits it to some targets (skipped elsewhere, the reason printed).` : where;
}

function setsSection(def: ActionDefinition<any>): string[] {
  const entries = Object.entries(def.sets ?? {});
  if (entries.length === 0) return ['None.'];
  return entries.map(([name, v]) => `- ${code(`\${${name}}`)}: ${md(typeof v === 'string' ? v : v.description)}`);
}

/** The first use of each action in the shipped scenarios: its item as YAML, and where it is. */
export function examplesFrom(sources: readonly ScenarioSource[]): Map<string, { yaml: string; from: string }> {
  const out = new Map<string, { yaml: string; from: string }>();
  for (const { path, text } of sources) {
    const data = parseDocument(text).toJS() as { steps?: Record<string, unknown>[] };
    for (const step of data.steps ?? []) {
      for (const list of ['run', 'check', 'solve'] as const) {
        for (const item of (step[list] as Record<string, unknown>[] | undefined) ?? []) {
          if (item === null || typeof item !== 'object') continue;
          const name = Object.keys(item).find((k) => !(ACTION_MODIFIERS as readonly string[]).includes(k));
          if (!name || out.has(name)) continue;
          out.set(name, { yaml: stringify([item], { lineWidth: 0 }).trimEnd(), from: `${path}, step \`${String(step.id)}\` (${list})` });
        }
      }
    }
  }
  return out;
}

const INTRO = (registry: ActionRegistry) => [
  '# Scenario actions',
  '',
  '<!-- Generated by `npm run schema` from the action definitions (src/*/actions.ts, src/engine/builtins); do not edit. -->',
  '',
  'A scenario is a YAML file of steps; each step runs actions. This page and',
  '[scenarios/hello.yaml](../scenarios/hello.yaml) are all a trainer needs to write a new Flux',
  'scenario: hello.yaml shows the file format (params, steps, `say`, `show`, `run`, `check`,',
  '`solve`, `hint`), this page every action it can run. Put the file next to the shipped ones',
  '(`scenarios/<id>.yaml`) or anywhere (`ocilab run ./my.yaml`); its first line',
  '`# yaml-language-server: $schema=./schema.json` makes an editor complete and explain every',
  'field. `ocilab run my.yaml --dry-run` checks it without running anything.',
  '',
  '## Writing actions',
  '',
  '- An action is a list item `- <name>: <arguments>`; next to the name, `timeout: 30s` fails',
  '  the action when it runs longer, and `as: <name>` names its output for a later',
  '  `wait: { output: <regex>, from: <name> }`.',
  '- `${name}` in an argument is replaced when the action runs: by a param, a built-in variable,',
  '  or a variable an earlier action sets (listed under each action). A dotted name that none of',
  '  these provides is refused when the file is loaded, with file:line:col; an undotted unknown',
  '  name (`${HOME}`) is left for the shell, and `$${name}` is a literal `${name}`.',
  '- Built-in variables:',
  ...Object.entries(BUILTIN_VARS).map(([name, d]) => `  ${code(`\${${name}}`)}: ${md(d)}`),
  '- Paths in arguments are relative to the scenario file unless said otherwise.',
  '',
  '## A Flux scenario in one step',
  '',
  'The smallest delivery of manifests as an OCI artifact to Flux, on any target: bring the',
  'target up, push the directory `manifests/` next to the scenario file (any Kubernetes YAML),',
  'point an OCIRepository at it, wait until Flux has it, and check the revision it stored.',
  'Run it with `ocilab run ./my-first-oci.yaml` (add `--target kind` for a real Flux).',
  '',
  '```yaml',
  FLUX_EXAMPLE.trimEnd(),
  '```',
  '',
  '## Actions',
  '',
  ...registry.all().map((d) => `- [${d.name}](#${anchor(d.name)}): ${cell(d.description)}`),
  '',
];

/** The page's one-step example; test/docs/actions-doc.test.ts loads it as a scenario. */
export const FLUX_EXAMPLE = `# yaml-language-server: $schema=./schema.json
id: my-first-oci
title: Manifests to Flux as an OCI artifact
summary: Push a directory as an OCI artifact and let Flux fetch it.
targets: [local, kind, cluster]
budget: 5m
steps:
  - id: deliver
    title: Push, apply, wait
    say: Flux fetches the artifact by its tag and stores the revision it found.
    show: flux push artifact oci://\${registry.host}/demo:latest --path=./manifests --source=demo --revision=v1
    run:
      - target.up: {}
      - artifact.push:
          url: oci://\${registry.host}/demo:latest
          path: manifests
          source: demo
          revision: v1
      - flux.apply:
          kind: OCIRepository
          name: demo
          url: \${registry.pull}/demo
          tag: latest
          insecure: \${registry.insecure}
      - flux.wait: { kind: OCIRepository, name: demo }
    check:
      - flux.expect:
          kind: OCIRepository
          name: demo
          revision: latest@\${artifact.digest}
`;

function anchor(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9 -]/g, '');
}

/** The whole page. */
export function actionsMarkdown(registry: ActionRegistry, sources: readonly ScenarioSource[]): string {
  const examples = examplesFrom(sources);
  const out = INTRO(registry);
  for (const def of registry.all()) {
    const example = examples.get(def.name);
    out.push(
      `### ${def.name}`,
      '',
      md(def.description),
      '',
      ...argumentsSection(def),
      '',
      `**Where it acts:** ${whereSection(def)}`,
      '',
      '**Sets:**',
      '',
      ...setsSection(def),
      '',
      ...(example ? [`**Example** (${example.from}):`, '', '```yaml', example.yaml, '```', ''] : ['**Example:** no shipped scenario uses it yet.', '']),
    );
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
