/**
 * `ocilab run <scenario>`: load and validate, then run interactively (renderApp, on a TTY)
 * or plainly (--plain, not a TTY, or CI set). Exit code 0 passed, 1 failed, 2 bad input, 130 interrupted.
 */
import { Command, Option } from 'commander';
import { loadActionRegistry } from './load-all-actions.js';
import type { TargetName } from '../engine/action-definition.js';
import type { ActionRegistry } from '../engine/action-registry.js';
import type { Mode } from '../engine/events.js';
import type { Runner } from '../engine/runner.js';
import type { Scenario } from '../engine/scenario-schema.js';
import { resolveStepRef } from '../engine/steps.js';
import { DEFAULT_SCENARIOS, MODES, TARGETS } from '../engine/scenario-names.js';
import { appCleanup, onBrokenPipe, onInterrupt } from '../process/shutdown.js';
import { colorEnabled } from '../plain/color.js';
import { themeFromEnv, themeOption } from './theme-option.js';
import { plainReporter } from '../plain/reporter.js';
import { exitCodeOf } from '../store/run-state.js';
import { createRunStore } from '../store/run-store.js';
import { EXIT, UsageError } from './exit-codes.js';
import { prepareWorkDir } from './work-dir.js';
import { DEFAULT_CLUSTER_NAME } from '../kind/kind-cli.js';
import type { Plan } from '../kube/plan.js';
import type { TargetSettings } from '../targets/index.js';
import type { LoadingFrame } from '../ui/loading.js';
import { loadingLines } from '../ui/loading-text.js';
import { writeEarlyFrame } from '../ui/early-frame.js';
import { recordRun } from '../record/record-run.js';
import { startNotesOrWarn } from '../notes/presenter.js';
import { fallbackText } from '../record/fallback.js';
import { typingModeFor } from '../present/typing-flags.js';

export interface RunOptions {
  target: TargetName;
  mode: Mode;
  fromStep?: string;
  plain?: boolean;
  /** --param key=value pairs, in order; absent when none was given. */
  param?: string[];
  /** asciicast v2 file to record the run into (src/record). */
  record?: string;
  /** Workshop mode: forget the saved progress and start over. */
  reset?: boolean;
  /** Keep the run's files here (new or empty directory) instead of a temp dir removed at the end. */
  workDir?: string;
  dryRun?: boolean;
  /** cluster target */
  context?: string;
  namespace?: string;
  registryUrl?: string;
  installFlux?: boolean;
  /** kind and cluster targets */
  gitUrl?: string;
  /** kind target */
  clusterName?: string;
  /** present mode: ms per character of the typed command (0: off), or one chunk per key */
  typeSpeed?: string;
  typeOnKey?: boolean;
  /** interactive app: default or projector (src/ui/theme.ts) */
  theme?: 'default' | 'projector';
}

/** The target flags, checked against the target they apply to. */
export function targetSettings(opts: RunOptions, plan: Plan | undefined): TargetSettings {
  const only = (flag: string, value: unknown, targets: string[]) => {
    if (value !== undefined && !targets.includes(opts.target)) throw new UsageError(`${flag} applies to --target ${targets.join(' or ')}, not ${opts.target}`);
  };
  only('--context', opts.context, ['cluster']);
  only('--namespace', opts.namespace, ['cluster']);
  only('--registry-url', opts.registryUrl, ['cluster']);
  only('--install-flux', opts.installFlux, ['cluster']);
  only('--git-url', opts.gitUrl, ['kind', 'cluster']);
  only('--cluster-name', opts.clusterName, ['kind']);
  if (opts.dryRun && opts.target === 'local') {
    throw new UsageError('--dry-run shows what the kind or cluster target would run and apply; the local target changes nothing outside ocilab');
  }
  const pick = Object.entries({ plan, context: opts.context, namespace: opts.namespace, registryUrl: opts.registryUrl, installFlux: opts.installFlux, gitUrl: opts.gitUrl, clusterName: opts.clusterName });
  return Object.fromEntries(pick.filter(([, v]) => v !== undefined)) as TargetSettings;
}

function collect(value: string, previous: string[] = []): string[] {
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
type PickerModule = {
  renderPicker?: (choices: ScenarioChoice[], opts: { initial?: string; color?: boolean; theme?: 'default' | 'projector' }) => Promise<string | undefined>;
};

/**
 * What the picker offers on `target`: the shipped scenarios that run there, the cursor on the
 * scenario a run without the picker would choose (Enter on a stage runs the default talk).
 */
export async function pickerChoices(registry: ActionRegistry, target: string): Promise<{ choices: ScenarioChoice[]; initial: string }> {
  const { defaultScenarioId, loadCatalog } = await import('../engine/catalog.js');
  // Only what runs on this target: picking `scale` (kind/cluster) on local was a usage error.
  const choices = loadCatalog(registry).flatMap((e) =>
    'scenario' in e && e.scenario.targets.includes(target as never) ? [{ id: e.scenario.id, title: e.scenario.title, summary: e.scenario.summary }] : [],
  );
  return { choices, initial: defaultScenarioId() };
}

/**
 * No scenario named: on a terminal, the UI's scenario picker when it has one and there is a
 * choice to make; otherwise the default scenario. Undefined when the user left the picker.
 */
async function chooseScenario(registry: ActionRegistry, plain: boolean, target: string, theme: RunOptions['theme']): Promise<string | undefined> {
  if (plain) return (await import('../engine/catalog.js')).defaultScenarioId();
  const { choices, initial } = await pickerChoices(registry, target);
  const ui = (await import('../ui/app.js')) as unknown as PickerModule;
  if (choices.length < 2 || typeof ui.renderPicker !== 'function') return initial;
  return ui.renderPicker(choices, { initial, color: colorEnabled(process.stdout), ...(theme ? { theme } : {}) });
}

/** Former action or argument names the scenario uses (it loaded): one `file:line:col` warning each, on stderr. */
export function warnAboutFormerNames(scenario: Scenario, err: Pick<NodeJS.WriteStream, 'write'> = process.stderr): void {
  for (const w of scenario.warnings ?? []) err.write(`ocilab: warning: ${w}\n`);
}

/**
 * Runs a scenario (undefined: pick one, see chooseScenario); returns the exit code.
 * Throws UsageError / ScenarioLoadError (exit 2).
 */
export async function runScenario(ref: string | undefined, opts: RunOptions): Promise<number> {
  // The first frame on a terminal, before the registry, the scenario and the target load.
  const loading = ref !== undefined && !opts.dryRun && !wantsPlain(opts.plain) ? await showLoading(ref, opts) : undefined;
  try {
    return await loadAndRun(ref, opts, loading);
  } catch (err) {
    loading?.close();
    throw err;
  }
}

async function showLoading(ref: string, opts: RunOptions): Promise<LoadingFrame | undefined> {
  if (!process.stdin.isTTY) return undefined; // renderApp says why
  const color = colorEnabled(process.stdout);
  // Ink takes a good part of the time to the first frame to import: the frame is written as
  // plain text first, then erased just before Ink draws the same lines.
  const early = writeEarlyFrame(process.stdout, loadingLines(ref, { color, columns: process.stdout.columns }));
  let renderLoading;
  try {
    ({ renderLoading } = await import('../ui/loading.js'));
  } finally {
    early.close();
  }
  const frame = renderLoading(ref, { color });
  await new Promise<void>((resolve) => setImmediate(resolve)); // let Ink write it before the heavy imports
  return frame;
}

async function loadAndRun(ref: string | undefined, opts: RunOptions, loading: LoadingFrame | undefined): Promise<number> {
  const registry = await loadActionRegistry();
  ref ??= await chooseScenario(registry, wantsPlain(opts.plain), opts.target, opts.theme);
  if (ref === undefined) return EXIT.ok;
  const { loadScenario } = await import('../engine/catalog.js');
  const scenario = loadScenario(ref, registry);
  warnAboutFormerNames(scenario);
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
  let typingMode;
  try {
    typingMode = typingModeFor(opts, opts.mode);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const plan = opts.dryRun ? new (await import('../kube/plan.js')).Plan() : undefined;
  let runner: Runner;
  try {
    const settings = targetSettings(opts, plan);
    // Lazy: the kind and cluster targets load @kubernetes/client-node.
    const { createTarget, setRunTarget, targetParts } = await import('../targets/index.js');
    // The run's scope holds its target, built with the run's own Git servers and reconciler.
    const scope = registry.newRunScope();
    setRunTarget(scope, createTarget(opts.target, settings, targetParts(scope)));
    const workDir = opts.workDir !== undefined && !plan ? prepareWorkDir(opts.workDir) : undefined;
    const { Runner } = await import('../engine/runner.js');
    runner = new Runner({ scenario, registry, cleanup: appCleanup, target: opts.target, mode: opts.mode, params: parseParams(opts.param ?? []), scope, ...(plan ? { plan } : {}), ...(workDir ? { workDir } : {}) });
    if (workDir) appCleanup.add(`say where the run's files are`, () => void process.stderr.write(`ocilab: the run's files are kept in ${workDir}\n`));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError((err as Error).message);
  }
  const store = createRunStore(runner);
  if (opts.mode === 'workshop') {
    // Progress per scenario in the config dir; resume at the first unfinished step.
    const { attachWorkshop } = await import('../workshop/session.js');
    const session = attachWorkshop(runner, { reset: opts.reset, warn: (m) => process.stderr.write(`ocilab: ${m}\n`) });
    if (fromIndex === undefined && session.resumeAt !== undefined) fromIndex = session.resumeAt;
    store.getState().notify(session.notice());
    session.onNotice((t) => store.getState().notify(t));
  }
  const stopInterrupt = onInterrupt(async () => {
    runner.abort();
    await new Promise<void>((resolve) => {
      if (runner.result) return resolve();
      runner.on((e) => e.type === 'run.end' && resolve());
    });
  });
  const stopRecording = opts.record !== undefined ? recordRun(runner, opts.record) : undefined;
  // Output cut off (`| head`): the run's code once it ended, else 1; cleanup still unwinds.
  const stopBrokenPipe = onBrokenPipe(() => (runner.result ? exitCodeOf(runner.result) : EXIT.failed));
  try {
    if (plan) {
      const { dryRunPrinter } = await import('../targets/dry-run.js');
      runner.on(dryRunPrinter(scenario, plan, (t) => process.stdout.write(t)));
      return exitCodeOf(await runner.runAll(fromIndex !== undefined ? { from: fromIndex } : {}));
    }
    if (wantsPlain(opts.plain)) {
      runner.on(plainReporter({ write: (t) => process.stdout.write(t), color: colorEnabled(process.stdout) }));
      const status = await runner.runAll(fromIndex !== undefined ? { from: fromIndex } : {});
      return exitCodeOf(status);
    }
    const notes = opts.mode === 'present' ? await startNotesOrWarn(store) : undefined;
    runner.start();
    const { renderApp } = await import('../ui/app.js');
    return await renderApp(store, {
      mode: opts.mode,
      target: opts.target,
      color: colorEnabled(process.stdout),
      ...(fromIndex !== undefined ? { fromStep: fromIndex } : {}),
      ...(notes ? { onPause: () => notes.togglePause() } : {}),
      ...(opts.mode === 'present' ? { fallbackText: (i: number) => fallbackText(scenario.id, i) } : {}),
      ...(typingMode ? { typing: { mode: typingMode } } : {}),
      ...(opts.theme ? { theme: opts.theme } : {}),
    }).finally(() => notes?.close());
  } finally {
    stopRecording?.();
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
    .argument('[scenario]', `scenario id or file (default: a picker on a terminal, else the first shipped of ${DEFAULT_SCENARIOS.join(', ')})`)
    .addOption(targetOption())
    .addOption(new Option('-m, --mode <mode>', 'present: one key per step; workshop: the learner types, check/hint/solve; tour: auto-advance').choices(MODES).default('present'))
    .option('-f, --from-step <id|n>', 'start at this step (id or 1-based number); earlier steps are caught up by their solve')
    .option('-p, --param <key=value>', 'override a scenario param (repeatable)', collect)
    .option('--record <file.cast>', 'record what the terminal shows to an asciicast v2 file, a marker per step (replay: ocilab replay)')
    .option('--type-speed <ms>', `present: type each step's command out before it runs, ms per character with slight jitter; 0 turns typing off, any key finishes the line (default: 40)`)
    .option('--type-on-key', 'present: each key press types the next characters of the command; Enter or → runs it')
    .addOption(themeOption())
    .hook('preAction', themeFromEnv)
    .option('--reset', 'workshop mode: forget the saved progress of this scenario and start over')
    .option('--work-dir <dir>', "keep the run's files (compare.json/.md reports, pulled artifacts) in this new or empty directory (default: a temp dir removed at the end)")
    .option('--plain', 'timestamped lines instead of the interactive app (automatic when stdout is not a TTY or CI is set)')
    .option('--dry-run', 'kind/cluster: print every command and Kubernetes object the run would run or apply, step by step; touch nothing')
    .option('--cluster-name <name>', `kind: the kind cluster to create or reuse (default: ${JSON.stringify(DEFAULT_CLUSTER_NAME)})`)
    .option('--context <name>', 'cluster: kubeconfig context (default: the current one)')
    .option('--namespace <ns>', 'cluster: namespace for your Flux objects, one per attendee (default: ocilab-<your user name>)')
    .option('--registry-url <host/path>', 'cluster: OCI registry you push to and the cluster pulls from, e.g. ghcr.io/me/ocilab')
    .option('--git-url <url>', 'kind/cluster: Git server base URL the cluster clones from')
    .option('--install-flux', 'cluster: install Flux (CRDs + controllers in flux-system) when it is missing')
    .addHelpText(
      'after',
      `
Examples:
  ocilab run hello --plain
  ocilab run git-vs-oci --target kind --mode present --theme projector
  ocilab run git-vs-oci --type-on-key          # each key press types the next characters
  ocilab run ./my-workshop.yaml --mode workshop --from-step 3
  ocilab run workshop --mode workshop --reset
  ocilab run hello --param greeting=bonjour
  ocilab run git-vs-oci --target kind --dry-run
  ocilab run workshop --target cluster --context workshop --registry-url ghcr.io/me/ocilab --git-url https://github.com/me`,
    )
    .action(async (ref: string | undefined, opts: RunOptions) => {
      process.exitCode = await runScenario(ref, opts);
    });
}

export { EXIT };
