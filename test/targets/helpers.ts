/** Shared by the targets tests: a scenario run with its events, and the FAKE flux CLI beside the fake kind/docker. */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildActionRegistry } from '../../src/actions.js';
import { CleanupRegistry } from '../../src/engine/cleanup.js';
import type { TargetName } from '../../src/engine/action.js';
import type { RunEvent } from '../../src/engine/events.js';
import { Runner } from '../../src/engine/runner.js';
import { loadScenario } from '../../src/engine/catalog.js';
import type { Plan } from '../../src/kube/plan.js';
import { dryRunPrinter } from '../../src/targets/dry-run.js';
import { setRunTarget } from '../../src/targets/index.js';
import type { Target } from '../../src/targets/target.js';
import type { FakeTools } from '../fakes/fake-tools.js';

export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** FAKE `flux`: answers `flux version --client` like flux v2.9.5 and logs every call to the fakes' log. */
export async function addFakeFlux(fakes: FakeTools): Promise<void> {
  const path = join(fakes.binDir, 'flux');
  const script = `#!/bin/sh
# FAKE flux for ocilab tests
printf '{"tool":"flux","argv":[%s]}\\n' "$(for a in "$@"; do printf '"%s",' "$a"; done | sed 's/,$//')" >> "$FAKE_LOG"
if [ "$1" = version ]; then echo "flux: v2.9.5"; exit 0; fi
if [ "$1" = install ]; then echo "✔ install finished"; exit 0; fi
echo "fake flux: unsupported $*" >&2; exit 2
`;
  await writeFile(path, script);
  await chmod(path, 0o755);
}

export async function runScenarioFile(file: string, target: TargetName, runTarget: Target, plan?: Plan, write?: (t: string) => void) {
  const registry = buildActionRegistry();
  const scenario = loadScenario(file, registry);
  const cleanup = new CleanupRegistry();
  const scope = registry.newRunScope();
  setRunTarget(scope, runTarget);
  const runner = new Runner({ scenario, registry, cleanup, target, scope, ...(plan ? { plan } : {}) });
  const events: RunEvent[] = [];
  runner.on((e) => events.push(e));
  if (plan && write) runner.on(dryRunPrinter(scenario, plan, write));
  const status = await runner.runAll();
  await cleanup.runAll();
  return { scenario, runner, events, status, cleanup };
}
