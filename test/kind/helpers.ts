import { ContainerEngine, type EngineName } from '../../src/kind/container-engine.js';
import { runCommand, type CommandRunner } from '../../src/kind/exec.js';
import { KindCli } from '../../src/kind/kind-cli.js';
import type { Plan } from '../../src/kube/plan.js';
import type { FakeTools } from '../fakes/fake-tools.js';

/** A runner whose children see the fake tools first on PATH (the code under test never sets PATH). */
export function fakeRunner(fakes: FakeTools): CommandRunner {
  return (argv, o = {}) => runCommand(argv, { ...o, env: { ...fakes.env, ...o.env } });
}

export function tools(fakes: FakeTools, engine: EngineName = 'docker', plan?: Plan) {
  const runner = fakeRunner(fakes);
  return { engine: new ContainerEngine(engine, { runner, plan }), kind: new KindCli(engine, { runner, plan }) };
}
