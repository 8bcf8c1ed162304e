/**
 * Load-time check of `${a.b}` references: a param, a built-in, or a variable an earlier action
 * declares it sets (ActionDefinition.sets), else a file:line:col error before anything runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildActionRegistry } from '../../src/all-actions.js';
import { defineAction } from '../../src/engine/action-definition.js';
import { ActionRegistry } from '../../src/engine/action-registry.js';
import { BUILTIN_VARS } from '../../src/engine/builtin-vars.js';
import { builtinActions } from '../../src/engine/builtins/index.js';
import { CleanupRegistry } from '../../src/process/cleanup.js';
import { Runner } from '../../src/engine/runner.js';
import { parseScenario, ScenarioLoadError } from '../../src/engine/scenario-load.js';

const setsStatic = defineAction({
  name: 'demo.start',
  description: 'sets demo.url',
  args: z.strictObject({ tls: z.boolean().default(false) }).default({ tls: false }),
  sets: {
    'demo.url': 'its URL',
    'demo.ca': { description: 'with tls: its CA', names: (a) => (a.tls ? ['demo.ca'] : []) },
  },
  run: async () => ({ ok: true }),
});
const setsNamed = defineAction({
  name: 'demo.key',
  description: 'sets <name>.pub',
  args: z.strictObject({ name: z.string().default('cosign') }).default({ name: 'cosign' }),
  sets: { '<name>.pub': { description: 'the public key', names: (a) => [`${a.name}.pub`] } },
  run: async () => ({ ok: true }),
});
const registry = new ActionRegistry().register(...builtinActions, setsStatic, setsNamed);

const head = 'id: demo\ntitle: Demo\nsummary: A demo.\ntargets: [local]\nbudget: 5m\n';

function load(text: string) {
  return parseScenario(text, 'vars.yaml', registry);
}
function errorOf(text: string): string {
  try {
    load(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioLoadError);
    return (err as Error).message;
  }
  throw new Error('expected a load error');
}

describe('${a.b} references are checked at load', () => {
  it('a typo is an error at the reference, with the name it was probably meant to be', () => {
    const text = `${head}steps:\n  - id: a\n    title: A\n    run:\n      - demo.start: {}\n      - shell: echo "\${demo.ulr}"\n`;
    expect(errorOf(text)).toBe('vars.yaml:11:22: steps[0].run[1].shell: unknown variable ${demo.ulr}: no param, built-in or earlier action sets it (did you mean ${demo.url}?)');
  });

  it('a variable used before the step that sets it is an error; after it, fine', () => {
    const before = `${head}steps:\n  - id: a\n    title: A\n    run: [{ print: "\${demo.url}" }]\n  - id: b\n    title: B\n    run: [{ demo.start: {} }]\n`;
    expect(errorOf(before)).toContain('vars.yaml:9:21: steps[0].run[0].print: unknown variable ${demo.url}');
    const after = `${head}steps:\n  - id: a\n    title: A\n    run: [{ demo.start: {} }]\n  - id: b\n    title: B\n    run: [{ print: "\${demo.url}" }]\n`;
    expect(load(after).steps).toHaveLength(2);
  });

  it('within a list, only earlier actions count; check sees run and solve; the next step sees solve too', () => {
    const sameList = `${head}steps:\n  - id: a\n    title: A\n    run: [{ print: "\${demo.url}" }, { demo.start: {} }]\n`;
    expect(errorOf(sameList)).toContain('unknown variable ${demo.url}');
    const check = `${head}steps:\n  - id: a\n    title: A\n    solve: [{ demo.start: {} }]\n    check: [{ print: "\${demo.url}" }]\n  - id: b\n    title: B\n    run: [{ print: "\${demo.url}" }]\n`;
    expect(load(check).steps).toHaveLength(2);
  });

  it('names that depend on arguments: the declaration computes them from the validated arguments', () => {
    expect(load(`${head}steps:\n  - id: a\n    title: A\n    run: [{ demo.key: { name: lab } }, { print: "\${lab.pub}" }]\n`).steps).toHaveLength(1);
    expect(load(`${head}steps:\n  - id: a\n    title: A\n    run: [{ demo.key: {} }, { print: "\${cosign.pub}" }]\n`).steps).toHaveLength(1);
    expect(errorOf(`${head}steps:\n  - id: a\n    title: A\n    run: [{ demo.key: { name: lab } }, { print: "\${cosign.pub}" }]\n`)).toContain('unknown variable ${cosign.pub}');
    // set only with some arguments
    expect(errorOf(`${head}steps:\n  - id: a\n    title: A\n    run: [{ demo.start: {} }, { print: "\${demo.ca}" }]\n`)).toContain('unknown variable ${demo.ca}');
    expect(load(`${head}steps:\n  - id: a\n    title: A\n    run: [{ demo.start: { tls: true } }, { print: "\${demo.ca}" }]\n`).steps).toHaveLength(1);
    // a whole-param argument is read as the param's default
    expect(load(`${head}params: { who: lab }\nsteps:\n  - id: a\n    title: A\n    run: [{ demo.key: { name: "\${who}" } }, { print: "\${lab.pub}" }]\n`).steps).toHaveLength(1);
  });

  it('the loaded scenario keeps a whole-param argument as written, for the run to fill in with the value given then', () => {
    const loaded = load(`${head}params: { who: lab }\nsteps:\n  - id: a\n    title: A\n    run: [{ demo.key: { name: "\${who}" } }]\n`);
    expect(loaded.steps[0]!.run).toEqual([{ 'demo.key': { name: '${who}' } }]);
  });

  it('params (dotted too) and built-ins are known; undotted unknown names are left for the shell; $${…} is literal', () => {
    const text = `${head}params: { app.name: web }\nsteps:\n  - id: a\n    title: A\n    run: [{ shell: "echo \${app.name} \${target} \${scenario.dir} \${run.workDir} \${HOME} $\${not.a.var}" }]\n`;
    expect(load(text).steps).toHaveLength(1);
  });

  it('display text may name what its own step sets, not what a later step sets', () => {
    const own = `${head}steps:\n  - id: a\n    title: A\n    show: curl \${demo.url}\n    run: [{ demo.start: {} }]\n`;
    expect(load(own).steps).toHaveLength(1);
    const later = `${head}steps:\n  - id: a\n    title: A\n    hint: ["try \${demo.url}"]\n  - id: b\n    title: B\n    run: [{ demo.start: {} }]\n`;
    expect(errorOf(later)).toBe('vars.yaml:9:17: steps[0].hint[0]: unknown variable ${demo.url}: no param, built-in or action of this step or an earlier one sets it');
  });

  it('a block scalar points at the line of the reference', () => {
    const text = `${head}steps:\n  - id: a\n    title: A\n    say: |\n      first line\n      then \${no.such}\n`;
    expect(errorOf(text)).toMatch(/^vars\.yaml:11:12: steps\[0\]\.say: unknown variable \$\{no\.such\}/);
  });
});

describe('built-in variables', () => {
  it('are exactly what a runner has before any action ran, besides the params', () => {
    const scenario = parseScenario(`${head}params: { p: v }\nsteps:\n  - { id: a, title: A }\n`, '/tmp/b.yaml', registry);
    const dir = mkdtempSync(join(tmpdir(), 'ocilab-vars-'));
    try {
      const runner = new Runner({ scenario, registry, cleanup: new CleanupRegistry(), workDir: dir });
      runner.start();
      expect(Object.keys(runner.vars).filter((k) => k !== 'p').sort()).toEqual(Object.keys(BUILTIN_VARS).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('declared sets match the code', () => {
  // Every variable name a source file assigns literally (ctx.vars['x'] = …, Object.assign(ctx.vars, { 'x': … }))
  // is declared by some action: a new ctx.vars line without a `sets` entry fails here, wherever it lives.
  const files = (readdirSync(fileURLToPath(new URL('../../src', import.meta.url)), { recursive: true }) as string[])
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => `src/${f}`);
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const assigned = new Set<string>();
  for (const f of files) {
    const text = readFileSync(join(root, f), 'utf8');
    for (const m of text.matchAll(/ctx\.vars\[['`]([^'`]+)['`]\]\s*=[^=]/g)) assigned.add(m[1]!);
    for (const m of text.matchAll(/Object\.assign\(ctx\.vars, \{([\s\S]*?)\}\)/g)) for (const k of m[1]!.matchAll(/(?:'([^']+)'|\[`([^`]+)`\]):/g)) assigned.add(k[1] ?? k[2]!);
  }
  it('reads the action files it looks in (every source file)', () => {
    expect(files).toEqual(expect.arrayContaining(['src/registry/actions.ts', 'src/targets/actions.ts', 'src/flux/actions.ts', 'src/tamper/actions.ts', 'src/flux/identity-action.ts']));
  });
  const declared = buildActionRegistry().all().flatMap((d) => Object.keys(d.sets ?? {}));
  // A name built in code (`${k}.message`) and one declared with placeholders (`flux.<name>.message`)
  // match when either, its variable part read as "anything", matches the other with a sample filled in.
  const quote = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const codePattern = (name: string) => new RegExp(`^${name.split(/\$\{[^}]+\}/).map(quote).join('.+')}$`);
  const declaredPattern = (name: string) => new RegExp(`^${name.split(/<[^>]+>/).map(quote).join('.+')}$`);
  const matches = (name: string) =>
    declared.some((d) => declaredPattern(d).test(name) || codePattern(name).test(d.replace(/<[^>]+>/g, 'sample')));
  it.each([...assigned].sort())('%s is declared', (name) => {
    expect(matches(name)).toBe(true);
  });
  it('finds the assignments it checks', () => expect(assigned.size).toBeGreaterThan(40));
});

describe('the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocilab-vars-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 with file:line:col for the issue\'s ${artifact.digst} typo, before running anything', () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(
      file,
      `${head}steps:\n  - id: push\n    title: Push\n    run:\n      - artifact.push: { url: "oci://127.0.0.1:1/app:v1", path: ., source: s, revision: r }\n  - id: use\n    title: Use\n    run:\n      - print: "digest \${artifact.digst}"\n`,
    );
    const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
    const r = spawnSync(process.execPath, [cli, 'run', file, '--plain'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}:14:24: steps[1].run[0].print: unknown variable \${artifact.digst}: no param, built-in or earlier action sets it (did you mean \${artifact.digest}?)`);
    expect(r.stdout).toBe('');
  });
});
