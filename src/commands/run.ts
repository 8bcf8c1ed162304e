/**
 * `ocilab run <scenario>`: load and validate, then run interactively (renderApp, on a TTY)
 * or plainly (--plain, not a TTY, or CI set). Exit code 0 passed, 1 failed, 2 bad input, 130 interrupted.
 */
import { Command, Option } from 'commander';
import { buildActionRegistry } from '../actions.js';
import type { ActionRegistry, TargetName } from '../engine/action.js';
import { defaultScenarioId, loadCatalog, loadScenario } from '../engine/catalog.js';
import type { Mode } from '../engine/events.js';
import { Runner } from '../engine/runner.js';
import { resolveStepRef } from '../engine/steps.js';
import { MODES, TARGETS } from '../engine/scenario-schema.js';
import { appCleanup, onBrokenPipe, onInterrupt } from '../engine/shutdown.js';
import { colorEnabled } from '../plain/color.js';
import { plainReporter } from '../plain/reporter.js';
import { exitCodeOf } from '../store/run-state.js';
import { createRunStore } from '../store/run-store.js';
import { EXIT, UsageError } from './exit-codes.js';

export interface RunOptions {
  target: TargetName;
  mode: Mode;
  fromStep?: string;
  plain?: boolean;
  param: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function parseParams(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param expects key=value, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** Plain when asked, when stdout is not a terminal, or under CI. */
export function wantsPlain(asked: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return asked === true || !process.stdout.isTTY || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false');
}

interface ScenarioChoice {
  id: string;
  title: string;
  summary?: string;
}
type PickerModule = { renderPicker?: (choices: ScenarioChoice[], opts: { color?: boolean }) => Promise<string | undefined> };

/**
 * No scenario named: on a terminal, the UI's scenario picker when it has one and there is a
 * choice to make; otherwise the default scenario. Undefined when the user left the picker.
 */
async function chooseScenario(registry: ActionRegistry, plain: boolean): Promise<string | undefined> {
  const fallback = defaultScenarioId();
  if (plain) return fallback;
  const choices = loadCatalog(registry).flatMap((e) =>
    'scenario' in e ? [{ id: e.scenario.id, title: e.scenario.title, summary: e.scenario.summary }] : [],
  );
  const ui = (await import('../ui/app.js')) as unknown as PickerModule;
  if (choices.length < 2 || typeof ui.renderPicker !== 'function') return fallback;
  return ui.renderPicker(choices, { color: colorEnabled(process.stdout) });
}

/**
 * Runs a scenario (undefined: pick one, see chooseScenario); returns the exit code.
 * Throws UsageError / ScenarioLoadError (exit 2).
 */
export async function runScenario(ref: string | undefined, opts: RunOptions): Promise<number> {
  const registry = buildActionRegistry();
  ref ??= await chooseScenario(registry, wantsPlain(opts.plain));
  if (ref === undefined) return EXIT.ok;
  const scenario = loadScenario(ref, registry);
  if (!scenario.targets.includes(opts.target)) {
    throw new UsageError(`scenario ${scenario.id} does not run on target ${opts.target} (targets: ${scenario.targets.join(', ')})`);
  }
  let fromIndex: number | undefined;
  if (opts.fromStep !== undefined) {
    fromIndex = resolveStepRef(scenario, opts.fromStep);
    if (fromIndex === undefined) {
      const ids = scenario.steps.map((s, i) => `${i + 1}=${s.id}`).join(', ');
      throw new UsageError(`--from-step ${opts.fromStep}: no such step in ${scenario.id} (${ids})`);
    }
  }
  let runner: Runner;
  try {
    runner = new Runner({ scenario, registry, cleanup: appCleanup, target: opts.target, mode: opts.mode, params: parseParams(opts.param) });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const store = createRunStore(runner);
  const stopInterrupt = onInterrupt(async () => {
    runner.abort();
    await new Promise<void>((resolve) => {
      if (runner.result) return resolve();
      runner.on((e) => e.type === 'run.end' && resolve());
    });
  });
  // Output cut off (`| head`): the run's code once it ended, else 1; cleanup still unwinds.
  const stopBrokenPipe = onBrokenPipe(() => (runner.result ? exitCodeOf(runner.result) : EXIT.failed));
  try {
    if (wantsPlain(opts.plain)) {
      runner.on(plainReporter({ write: (t) => process.stdout.write(t), color: colorEnabled(process.stdout) }));
      const status = await runner.runAll(fromIndex !== undefined ? { from: fromIndex } : {});
      return exitCodeOf(status);
    }
    runner.start();
    const { renderApp } = await import('../ui/app.js');
    return await renderApp(store, {
      mode: opts.mode,
      target: opts.target,
      color: colorEnabled(process.stdout),
      ...(fromIndex !== undefined ? { fromStep: fromIndex } : {}),
    });
  } finally {
    stopInterrupt();
    stopBrokenPipe();
  }
}

export function targetOption(): Option {
  return new Option('-t, --target <target>', 'where the scenario runs').choices(TARGETS).default('local');
}

export function runCommand(): Command {
  return new Command('run')
    .description('run a scenario: a shipped id (see `ocilab list`) or the path of a scenario YAML file')
    .argument('[scenario]', `scenario id or file (default: a picker on a terminal, else ${defaultScenarioId()})`)
    .addOption(targetOption())
    .addOption(new Option('-m, --mode <mode>', 'present: one key per step; workshop: the learner types, check/hint/solve; tour: auto-advance').choices(MODES).default('present'))
    .option('-f, --from-step <id|n>', 'start at this step (id or 1-based number); earlier steps are caught up by their solve')
    .option('-p, --param <key=value>', 'override a scenario param (repeatable)', collect, [])
    .option('--plain', 'timestamped lines instead of the interactive app (automatic when stdout is not a TTY or CI is set)')
    .addHelpText(
      'after',
      `
Examples:
  ocilab run hello --plain
  ocilab run git-vs-oci --target kind --mode present
  ocilab run ./my-workshop.yaml --mode workshop --from-step 3
  ocilab run hello --param greeting=bonjour`,
    )
    .action(async (ref: string | undefined, opts: RunOptions) => {
      process.exitCode = await runScenario(ref, opts);
    });
}

export { EXIT };
