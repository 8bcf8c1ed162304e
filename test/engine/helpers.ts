/** Shared by the engine tests: a registry, scenarios from YAML text, and a runner with its events. */
import { z } from 'zod';
import { buildActionRegistry } from '../../src/all-actions.js';
import { defineAction, type ActionDefinition } from '../../src/engine/action-definition.js';
import type { ActionRegistry } from '../../src/engine/action-registry.js';
import { CleanupRegistry } from '../../src/process/cleanup.js';
import type { Mode, RunEvent } from '../../src/engine/events.js';
import { Runner } from '../../src/engine/runner.js';
import { parseScenario } from '../../src/engine/scenario-load.js';

/** Fails until it has been called `passOn` times in this process (per key): a step that needs a retry. */
const calls = new Map<string, number>();
export const flakyAction = defineAction({
  name: 'test.flaky',
  description: 'fails until its n-th call',
  args: z.strictObject({ key: z.string(), passOn: z.number().int() }),
  async run(args, ctx) {
    const n = (calls.get(args.key) ?? 0) + 1;
    calls.set(args.key, n);
    ctx.log(`call ${n}`);
    return n >= args.passOn ? { ok: true } : { ok: false, message: `call ${n} of ${args.passOn}` };
  },
});

/** Ignores its abort signal entirely: the runner must still end the step on time. */
export const stubbornAction = defineAction({
  name: 'test.stubborn',
  description: 'never resolves',
  args: z.strictObject({}),
  run: () => new Promise(() => undefined),
});

/** Sets the run variable it names (declared in `sets`): steps whose texts show it are re-rendered. */
export const setVarAction = defineAction({
  name: 'test.set',
  description: 'sets a run variable',
  args: z.strictObject({ name: z.string(), value: z.string() }),
  sets: { '<name>': { description: 'the variable named', names: (a) => [a.name] } },
  async run(args, ctx) {
    ctx.vars[args.name] = args.value;
    return { ok: true };
  },
});

export function testRegistry(extra: ActionDefinition<any>[] = []): ActionRegistry {
  return buildActionRegistry().register(flakyAction, stubbornAction, ...extra);
}

export function scenarioFrom(stepsYaml: string, extra = '', registry = testRegistry()) {
  const text = `id: t\ntitle: T\nsummary: test\ntargets: [local]\nbudget: 1m\n${extra}steps:\n${stepsYaml}`;
  return parseScenario(text, '/tmp/t.yaml', registry);
}

export function makeRunner(stepsYaml: string, opts: { mode?: Mode; params?: Record<string, string>; extra?: string; stepTimeoutMs?: number; extraActions?: ActionDefinition<any>[] } = {}) {
  const registry = testRegistry(opts.extraActions);
  const scenario = scenarioFrom(stepsYaml, opts.extra, registry);
  const cleanup = new CleanupRegistry();
  const runner = new Runner({
    scenario,
    registry,
    cleanup,
    ...(opts.mode ? { mode: opts.mode } : {}),
    ...(opts.params ? { params: opts.params } : {}),
    ...(opts.stepTimeoutMs ? { defaultStepTimeoutMs: opts.stepTimeoutMs } : {}),
  });
  const events: RunEvent[] = [];
  runner.on((e) => events.push(e));
  const lines = (index?: number) =>
    events.flatMap((e) => (e.type === 'output' && (index === undefined || e.index === index) ? [e.line] : []));
  const transitions = () =>
    events.flatMap((e) =>
      e.type === 'step.start' ? [`${e.index}:running(${e.via}#${e.attempt})`] : e.type === 'step.end' ? [`${e.index}:${e.status}`] : [],
    );
  return { runner, cleanup, events, lines, transitions };
}
