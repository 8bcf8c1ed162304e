/**
 * The docs (README.md, docs/*.md) name only actions, steps, targets and scenario params that
 * exist, so they cannot drift silently from the action registry and the shipped scenarios:
 * - an action name (`ns.name` in backticks, or `- ns.name:` in a YAML example) must be a
 *   registered action, unless it is a variable the scenarios or the actions use (`${…}`);
 * - a step table (a `step` or `id` column, under a heading naming a shipped scenario) must
 *   name steps of that scenario, and every action a row names must be used by that step;
 * - `targets: …` / `Targets: …` in such a section must list that scenario's targets;
 * - `--param name=…` must be a param of the scenario run on that line (or of the section's
 *   scenario; any scenario when neither is known);
 * - README's table of shipped scenarios lists each one with its targets.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildActionRegistry } from '../../src/all-actions.js';
import { loadScenario, shippedScenariosDir } from '../../src/engine/catalog.js';
import { actionNameOf, type Scenario, type Step } from '../../src/engine/scenario-schema.js';

const root = join(import.meta.dirname, '..', '..');
const registry = buildActionRegistry();
const actions = new Set(registry.names());
/** Namespaces of dotted action names (artifact, cosign, flux, …): a `ns.x` token in a doc may be an action. */
const namespaces = new Set([...actions].filter((a) => a.includes('.')).map((a) => a.split('.')[0]!));
const scenarioFiles = readdirSync(shippedScenariosDir()).filter((f) => f.endsWith('.yaml'));
const scenarios = new Map<string, Scenario>(
  scenarioFiles.map((f) => {
    const s = loadScenario(f.replace(/\.yaml$/, ''), registry);
    return [s.id, s];
  }),
);

/** Variables the scenarios interpolate and the actions set: `artifact.digest`, `registry.host`, … */
function knownVariables(): Set<string> {
  const vars = new Set<string>();
  const add = (text: string) => {
    for (const m of text.matchAll(/\$\{([a-zA-Z][\w.-]*)\}/g)) vars.add(m[1]!);
    for (const m of text.matchAll(/vars\[\s*['"`]([a-zA-Z][\w.-]*)['"`]\s*\]/g)) vars.add(m[1]!);
    // Object.assign(ctx.vars, { 'helm.chart': …, … })
    for (const m of text.matchAll(/['"]([a-z]+\.[a-zA-Z][\w.-]*)['"]\s*:/g)) vars.add(m[1]!);
  };
  for (const f of scenarioFiles) add(readFileSync(join(shippedScenariosDir(), f), 'utf8'));
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (/\.tsx?$/.test(e.name)) add(readFileSync(join(dir, e.name), 'utf8'));
    }
  };
  walk(join(root, 'src'));
  return vars;
}
const variables = knownVariables();

const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (doc: string) => readFileSync(join(root, doc), 'utf8');

/** File names that look like `ns.name`: cosign.pub, registry.ts, … */
const FILE_SUFFIX = /^(pub|key|ts|tsx|js|mjs|md|ya?ml|json|sh|tgz|gz|tar|cast|txt|sig|crt|pem|env)$/;

/** The action a backticked span starts with (`flux.expect … whenOwnServer:` → flux.expect), if it looks like one. */
function actionToken(span: string): string | undefined {
  const m = /^([a-z]+)\.([a-z][a-z0-9-]*)(?=$|[\s:{(])/.exec(span.trim());
  if (!m || !namespaces.has(m[1]!) || FILE_SUFFIX.test(m[2]!)) return undefined;
  return `${m[1]}.${m[2]}`;
}

function backticked(line: string): string[] {
  return [...line.replace(/``/g, '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** Action names a line names: backticked spans, and `- ns.name:` list items of YAML examples. */
function actionsIn(line: string, inCode: boolean): string[] {
  const out = backticked(line).map(actionToken).filter((t): t is string => !!t);
  const item = inCode ? /^\s*-\s+([a-z]+\.[a-z][a-z0-9-]*):/.exec(line) : null;
  if (item && namespaces.has(item[1]!.split('.')[0]!)) out.push(item[1]!);
  return out;
}

interface Line {
  doc: string;
  n: number;
  text: string;
  inCode: boolean;
  /** The shipped scenario the nearest heading (or the page title) names. */
  scenario?: string;
}

function scenarioOfHeading(text: string): string | undefined {
  return backticked(text).find((t) => scenarios.has(t));
}

function lines(doc: string): Line[] {
  const out: Line[] = [];
  let inCode = false;
  let title: string | undefined;
  let section: string | undefined;
  read(doc).split('\n').forEach((text, i) => {
    if (/^\s*(```|~~~)/.test(text)) inCode = !inCode;
    else if (!inCode && /^#{1,6} /.test(text)) {
      const s = scenarioOfHeading(text);
      if (text.startsWith('# ')) title = s;
      section = text.startsWith('# ') ? s : s;
    }
    out.push({ doc, n: i + 1, text, inCode, scenario: section ?? title });
  });
  return out;
}

const stepActions = (step: Step) => new Set([...step.run, ...(step.check ?? []), ...(step.solve ?? [])].map(actionNameOf));
const where = (l: Line) => `${l.doc}:${l.n}`;

describe('docs name only what exists', () => {
  it('finds the docs, the actions and the scenarios', () => {
    expect(docs).toContain('docs/cosign.md');
    expect(actions.has('tamper.replace-layer')).toBe(true);
    expect(scenarios.has('git-vs-oci')).toBe(true);
    expect(variables.has('artifact.digest')).toBe(true);
  });

  it('every action a doc names is registered', () => {
    const bad: string[] = [];
    for (const doc of docs) {
      for (const l of lines(doc)) {
        for (const a of actionsIn(l.text, l.inCode)) {
          if (!actions.has(a) && !variables.has(a)) bad.push(`${where(l)}: ${a}`);
        }
      }
    }
    expect(bad, 'names that are neither a registered action nor a variable').toEqual([]);
  });

  it('every step table names steps of its scenario, and only actions those steps use', () => {
    const bad: string[] = [];
    let checkedRows = 0;
    for (const doc of docs) {
      const ls = lines(doc);
      for (let i = 0; i < ls.length; i++) {
        const l = ls[i]!;
        if (l.inCode || !l.scenario || !/^\|/.test(l.text) || !/^\|[\s:-]+\|/.test(ls[i + 1]?.text ?? '')) continue;
        const header = l.text.split('|').slice(1, -1).map((c) => c.trim().toLowerCase());
        const col = header.findIndex((c) => c === 'step' || c === 'id');
        if (col < 0) continue;
        const scenario = scenarios.get(l.scenario)!;
        for (let j = i + 2; j < ls.length && /^\|/.test(ls[j]!.text); j++) {
          const row = ls[j]!;
          const cells = row.text.split('|').slice(1, -1).map((c) => c.trim());
          const id = cells[col]!.replace(/`/g, '').replace(/\s*\(optional\)$/, '').trim();
          const step = scenario.steps.find((s) => s.id === id);
          checkedRows++;
          if (!step) {
            bad.push(`${where(row)}: ${scenario.id} has no step "${id}" (steps: ${scenario.steps.map((s) => s.id).join(', ')})`);
            continue;
          }
          const used = stepActions(step);
          for (const a of actionsIn(row.text, false)) {
            if (!used.has(a)) bad.push(`${where(row)}: step ${scenario.id}/${id} does not use ${a} (it uses ${[...used].join(', ')})`);
          }
        }
      }
    }
    expect(checkedRows).toBeGreaterThan(30);
    expect(bad).toEqual([]);
  });

  it('"targets" in a scenario section lists that scenario\'s targets', () => {
    const bad: string[] = [];
    for (const doc of docs) {
      // Paragraphs (a sentence may wrap), each with the scenario of its first line.
      const paragraphs: Line[] = [];
      for (const l of lines(doc)) {
        const last = paragraphs.at(-1);
        if (l.inCode || l.text.trim() === '') paragraphs.push({ ...l, text: '' });
        else if (last && last.text !== '' && !/^\s*([-*|#]|\d+\.)/.test(l.text)) last.text += ` ${l.text.trim()}`;
        else paragraphs.push({ ...l });
      }
      for (const l of paragraphs) {
        if (!l.scenario) continue;
        const m = /\btargets:?\s*(\[[^\]]*\]|(?:`[a-z]+`(?:,\s*|\s+and\s+|\s*)?)+)/i.exec(l.text.replace(/`targets: \[/, 'targets: ['));
        if (!m) continue;
        const named = [...m[1]!.matchAll(/[a-z]+/g)].map((x) => x[0]).filter((t) => ['local', 'kind', 'cluster'].includes(t));
        if (!named.length) continue;
        const want = scenarios.get(l.scenario)!.targets;
        if (named.sort().join() !== [...want].sort().join()) bad.push(`${where(l)}: ${l.scenario} says targets ${named.join(', ')}; its file says ${want.join(', ')}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('every --param is a param of its scenario', () => {
    const bad: string[] = [];
    const anyParam = new Set([...scenarios.values()].flatMap((s) => Object.keys(s.params)));
    for (const doc of docs) {
      for (const l of lines(doc)) {
        const run = /\bocilab run ([a-z][a-z0-9-]*)\b/.exec(l.text)?.[1];
        const scenario = scenarios.get(run ?? '') ?? (l.scenario ? scenarios.get(l.scenario) : undefined);
        for (const m of l.text.matchAll(/--param[ =]([a-zA-Z][\w-]*)=(\S*)/g)) {
          if (/^(value|…|\.\.\.|<)/.test(m[2]!)) continue; // `--param key=value`: the syntax, not a param
          const known = scenario ? m[1]! in scenario.params : anyParam.has(m[1]!);
          if (!known) bad.push(`${where(l)}: --param ${m[1]} is not a param of ${scenario?.id ?? 'any shipped scenario'}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it("README's table of shipped scenarios matches the scenario files (ids and targets)", () => {
    const readme = read('README.md').split('\n');
    const start = readme.findIndex((t) => /^\| *scenario *\| *targets *\|/.test(t));
    expect(start, 'README.md has a "| scenario | targets |" table').toBeGreaterThanOrEqual(0);
    const rows = new Map<string, string[]>();
    for (let j = start + 2; j < readme.length && readme[j]!.startsWith('|'); j++) {
      const [id, targets] = readme[j]!.split('|').slice(1, 3).map((c) => c.trim());
      rows.set(id!.replace(/`/g, ''), [...targets!.matchAll(/[a-z]+/g)].map((x) => x[0]));
    }
    expect([...rows.keys()].sort()).toEqual([...scenarios.keys()].sort());
    for (const [id, s] of scenarios) expect(rows.get(id), id).toEqual(s.targets);
  });
});
