#!/usr/bin/env node
/**
 * ocilab's entry point: parses arguments (commander), dispatches to src/commands/*, maps
 * outcomes to exit codes, and unwinds the cleanup registry on every way out.
 *
 * `ocilab` with no arguments is `ocilab run` without a scenario, on the `local` target:
 * on a terminal, the UI's scenario picker (`renderPicker` from src/ui/app.tsx, when it
 * exists and more than one scenario is shipped), then the interactive app (`renderApp`);
 * otherwise the default scenario (first shipped of git-vs-oci, onboarding, hello),
 * in plain lines when stdout is not a TTY or CI is set.
 */
import { readFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { Command, CommanderError, Help } from 'commander';
import { ScenarioLoadError, UnknownScenarioError } from './engine/load-errors.js';
import { defaultNodeEnvToProduction } from './engine/node-env.js';
import { exitAfterCleanup, installShutdownHandlers } from './engine/shutdown.js';
import { commandFor, COMMANDS, DEFAULT_COMMAND } from './commands/index.js';
import { EXIT, EXIT_CODES_HELP, UsageError } from './commands/exit-codes.js';
import { styleHelp } from './commands/help-style.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Thrown by a command `buildProgram` did not load, when commander dispatches to it after all. */
class NotLoaded extends Error {}

/**
 * The program with the commands in `load` built and the others as stand-ins that only name and
 * describe themselves for `ocilab --help` (a command module is imported only when it runs).
 */
export async function buildProgram(load: ReadonlySet<string> | 'all'): Promise<Command> {
  const program = new Command('ocilab')
    .description('Teach and demonstrate GitOps with Flux: Git vs OCI delivery measured live, cosign signatures signed, verified and broken.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
With no command, ocilab opens the scenario picker (or the default scenario) on the local target.

Examples:
  ocilab                          pick a scenario and run it interactively
  ocilab list                     shipped scenarios
  ocilab run hello --plain        run a scenario headless, one line per event
  ocilab doctor                   tools found for each target
${EXIT_CODES_HELP}
Environment: NO_COLOR turns colour off, FORCE_COLOR=0|1 forces it; CI or a non-TTY stdout implies --plain.`,
    );
  const terms = new Map<string, string>();
  const built = await Promise.all(
    COMMANDS.map(async (entry) => {
      if (load === 'all' || load.has(entry.name)) return entry.load();
      terms.set(entry.name, entry.term);
      return new Command(entry.name).description(entry.description).helpOption(false).allowUnknownOption().allowExcessArguments().action(() => {
        throw new NotLoaded(entry.name);
      });
    }),
  );
  for (const command of built) program.addCommand(command, command.name() === DEFAULT_COMMAND ? { isDefault: true } : {});
  const configure = (cmd: Command) => {
    cmd.exitOverride();
    if (terms.has(cmd.name()) && cmd.parent === program) return; // a stand-in: no help of its own
    styleHelp(cmd);
    for (const sub of cmd.commands) configure(sub);
  };
  configure(program);
  program.configureHelp({
    ...program.configureHelp(),
    subcommandTerm(this: Help, cmd: Command): string {
      return terms.get(cmd.name()) ?? Help.prototype.subcommandTerm.call(this, cmd);
    },
  });
  return program;
}

/** Parses `argv` (without node and script) and runs the command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const command = commandFor(argv);
    try {
      await (await buildProgram(new Set(command === undefined ? [] : [command]))).parseAsync(argv, { from: 'user' });
    } catch (err) {
      if (!(err instanceof NotLoaded)) throw err;
      await (await buildProgram('all')).parseAsync(argv, { from: 'user' });
    }
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return EXIT.ok;
      return EXIT.usage; // commander already printed the message
    }
    if (err instanceof ScenarioLoadError) {
      process.stderr.write(`ocilab: invalid scenario, nothing was run:\n${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof UsageError || err instanceof UnknownScenarioError) {
      process.stderr.write(`ocilab: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`ocilab: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.failed;
  }
}

// Node >= 22.1 keeps V8's compiled code of the modules imported from here on (the commands,
// Ink, the action registry) in its on-disk cache; Node 20 has no such API and compiles each time.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// Before src/ui (React) is imported, dynamically, by the commands that show it.
defaultNodeEnvToProduction();
installShutdownHandlers();
const code = await main(process.argv.slice(2));
await exitAfterCleanup(code);
