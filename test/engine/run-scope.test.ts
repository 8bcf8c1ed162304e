/**
 * The run scope (src/engine/run-scope.ts): one value per slot per scope, made on first use,
 * forgotten when the run's cleanup unwinds; and the files that used to keep run state in
 * module-level maps keep none (read with TypeScript's parser).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ActionRegistry } from '../../src/engine/action.js';
import { CleanupRegistry } from '../../src/engine/cleanup.js';
import { RunScope, scopeSlot } from '../../src/engine/run-scope.js';
import { Runner } from '../../src/engine/runner.js';
import { parseScenario } from '../../src/engine/scenario-load.js';

describe('RunScope', () => {
  it('makes a slot once per scope, on first use, and never shares it between scopes', () => {
    let made = 0;
    const list = scopeSlot('list', () => (made++, [] as string[]));
    const both = scopeSlot('both', (s) => ({ list: s.get(list) }));
    const a = new RunScope();
    const b = new RunScope();
    expect(a.has(list)).toBe(false);
    a.get(list).push('a');
    expect(a.get(list)).toEqual(['a']);
    expect(a.get(both).list).toBe(a.get(list));
    expect(b.get(list)).toEqual([]);
    expect(made).toBe(2);
    a.dispose();
    expect(a.has(list)).toBe(false);
    expect(a.get(list)).toEqual([]);
  });

  it('registry.newRunScope runs every onRunScope setup on each new scope', () => {
    const seen = scopeSlot('seen', () => [] as string[]);
    const registry = new ActionRegistry().onRunScope((s) => s.get(seen).push('setup'));
    const a = registry.newRunScope();
    const b = registry.newRunScope();
    expect(a.get(seen)).toEqual(['setup']);
    expect(b.get(seen)).not.toBe(a.get(seen));
  });

  it('the runner hands its scope to actions and drops it when its cleanup unwinds', async () => {
    const counter = scopeSlot('counter', () => ({ n: 0 }));
    const registry = new ActionRegistry().register({
      name: 'count',
      description: 'counts in the run scope',
      args: z.object({}).default({}),
      async run(_args, ctx) {
        ctx.vars.n = String(++ctx.scope.get(counter).n);
        return { ok: true };
      },
    });
    const text = 'id: s\ntitle: t\nsummary: s\ntargets: [local]\nbudget: 1m\nsteps:\n  - { id: a, title: a, run: [count: {}, count: {}] }\n';
    const scenario = parseScenario(text, '/tmp/s.yaml', registry);
    const runs = [0, 1].map(() => {
      const cleanup = new CleanupRegistry();
      return { cleanup, runner: new Runner({ scenario, registry, cleanup }) };
    });
    for (const r of runs) expect(await r.runner.runAll()).toBe('passed');
    expect(runs.map((r) => r.runner.vars.n)).toEqual(['2', '2']);
    const [first] = runs;
    expect(first!.runner.scope.has(counter)).toBe(true);
    expect(first!.cleanup.labels()).toContain('run scope');
    await first!.cleanup.runAll();
    expect(first!.runner.scope.has(counter)).toBe(false);
    await runs[1]!.cleanup.runAll();
  });
});

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The files that hold or used to hold run state: every area's actions.ts and their helpers. */
const RUN_STATE_FILES = [
  'src/actions.ts',
  'src/targets/action-support.ts',
  'src/git/running.ts',
  ...readdirSync(join(root, 'src'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `src/${d.name}/actions.ts`)
    .filter((f) => {
      try {
        readFileSync(join(root, f));
        return true;
      } catch {
        return false;
      }
    }),
];

/** Module-level `let`/`var`, and module-level `const` holding a new Map/Set/WeakMap/WeakSet or an empty array. */
function moduleState(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const list = statement.declarationList;
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    for (const d of list.declarations) {
      const name = d.name.getText(source);
      const init = d.initializer;
      const collection = init && ts.isNewExpression(init) && /^(Weak)?(Map|Set)$/.test(init.expression.getText(source));
      const emptyArray = init && ts.isArrayLiteralExpression(init) && init.elements.length === 0;
      if (!isConst || collection || emptyArray) found.push(`${file}: ${name}`);
    }
  }
  return found;
}

describe('no module-level run state', () => {
  it('finds what it looks for', () => {
    expect(RUN_STATE_FILES).toEqual(expect.arrayContaining(['src/registry/actions.ts', 'src/targets/actions.ts']));
  });

  it('action files, action-support.ts and git/running.ts keep no let/var, Map, Set or list at module level', () => {
    expect(RUN_STATE_FILES.flatMap(moduleState)).toEqual([]);
  });
});
