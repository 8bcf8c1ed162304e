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
import { Command, CommanderError } from 'commander';
import { UnknownScenarioError } from './engine/catalog.js';
import { defaultNodeEnvToProduction } from './engine/node-env.js';
import { ScenarioLoadError } from './engine/scenario-load.js';
import { exitAfterCleanup, installShutdownHandlers } from './engine/shutdown.js';
import { allCommands } from './commands/index.js';
import { EXIT, EXIT_CODES_HELP, UsageError } from './commands/exit-codes.js';
import { styleHelp } from './commands/help-style.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(): Command {
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
  for (const [i, command] of allCommands().entries()) {
    program.addCommand(command, i === 0 ? { isDefault: true } : {});
  }
  const configure = (cmd: Command) => {
    cmd.exitOverride();
    styleHelp(cmd);
    for (const sub of cmd.commands) configure(sub);
  };
  configure(program);
  return program;
}

/** Parses `argv` (without node and script) and runs the command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
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

// Before src/ui (React) is imported, dynamically, by the commands that show it.
defaultNodeEnvToProduction();
installShutdownHandlers();
const code = await main(process.argv.slice(2));
await exitAfterCleanup(code);
