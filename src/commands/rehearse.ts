/**
 * `ocilab rehearse <scenario>`: runs the whole talk headless (plain runner), records it
 * (asciicast, a marker per step) where the present mode's fallback finds it, and reports
 * each step's time against its budget. Over budget warns (exit 0); a failed step exits 1.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command } from 'commander';
import { loadActionRegistry } from './action-registry.js';
import type { TargetName } from '../engine/action.js';
import type { RunEvent } from '../engine/events.js';
import type { Runner } from '../engine/runner.js';
import { appCleanup, onInterrupt } from '../engine/shutdown.js';
import { colorEnabled } from '../plain/color.js';
import { plainReporter } from '../plain/reporter.js';
import { foldRehearsal, overBudget, rehearsalTable } from '../present/rehearsal.js';
import { recordRun } from '../record/record-run.js';
import { rehearsalFile } from '../record/recordings.js';
import { exitCodeOf } from '../store/run-state.js';
import { UsageError } from './exit-codes.js';
import { parseParams, targetOption, warnAboutFormerNames } from './run.js';

interface RehearseOptions {
  target: TargetName;
  param?: string[];
  out?: string;
}

export async function rehearse(ref: string, opts: RehearseOptions): Promise<number> {
  const registry = await loadActionRegistry();
  const [{ loadScenario }, { Runner }] = await Promise.all([import('../engine/catalog.js'), import('../engine/runner.js')]);
  const scenario = loadScenario(ref, registry);
  warnAboutFormerNames(scenario);
  if (!scenario.targets.includes(opts.target)) throw new UsageError(`scenario ${scenario.id} does not run on target ${opts.target}`);
  let runner: Runner;
  try {
    runner = new Runner({ scenario, registry, cleanup: appCleanup, target: opts.target, mode: 'present', params: parseParams(opts.param ?? []) });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const file = opts.out ?? rehearsalFile(scenario.id);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Written beside the target and renamed at the end: an interrupted rehearsal keeps the last good one.
  const partial = `${file}.partial-${process.pid}`;
  const events: RunEvent[] = [];
  runner.on((e) => events.push(e));
  runner.on(plainReporter({ write: (t) => process.stdout.write(t), color: colorEnabled(process.stdout) }));
  const stopInterrupt = onInterrupt(async () => {
    runner.abort();
    await new Promise<void>((resolve) => (runner.result ? resolve() : runner.on((e) => e.type === 'run.end' && resolve())));
  });
  const stopRecording = recordRun(runner, partial);
  let status;
  try {
    status = await runner.runAll();
  } finally {
    stopRecording();
    stopInterrupt();
  }
  if (status === 'interrupted') {
    rmSync(partial, { force: true });
    return exitCodeOf(status);
  }
  renameSync(partial, file);
  const report = foldRehearsal(events);
  process.stdout.write('\n' + rehearsalTable(report));
  const over = overBudget(report);
  if (over.length > 0) process.stdout.write(`warning: ${over.length} step(s) over budget\n`);
  if (report.budgetMs !== undefined && report.totalMs > report.budgetMs) process.stdout.write('warning: the talk is over its slot\n');
  process.stdout.write(`recording: ${file} (play it: ocilab replay ${file})\n`);
  return exitCodeOf(status);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function rehearseCommand(): Command {
  return new Command('rehearse')
    .description('run the whole talk headless, record it as the fallback, and report each step against its budget')
    .argument('<scenario>', 'scenario id or file')
    .addOption(targetOption())
    .option('-p, --param <key=value>', 'override a scenario param (repeatable)', collect)
    .option('-o, --out <file.cast>', 'where to write the recording (default: the data dir, where present mode looks)')
    .addHelpText('after', '\nExit code: 0 when every step passed (over budget is a warning), 1 when a step failed.\n\nExamples:\n  ocilab rehearse hello')
    .action(async (ref: string, opts: RehearseOptions) => {
      process.exitCode = await rehearse(ref, opts);
    });
}
