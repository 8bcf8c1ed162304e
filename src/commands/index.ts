/**
 * Every subcommand of `ocilab`, each imported only when it runs: `ocilab artifact pull` loads
 * src/commands/artifact.ts and what it imports, not the Kubernetes client, Ink or sigstore that
 * other commands use. `ocilab --help` shows the name, term and description written here
 * (test/cli/command-table.test.ts checks they match what each factory builds).
 *
 * An area adds its command with one line in COMMANDS (the first one is the default command).
 */
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  /** What `ocilab --help` lists on the left: name, `[options]` when it has options, its arguments. */
  term: string;
  description: string;
  load: () => Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'run', term: 'run [options] [scenario]', description: 'run a scenario: a shipped id (see `ocilab list`) or the path of a scenario YAML file', load: async () => (await import('./run.js')).runCommand() },
  { name: 'list', term: 'list [options]', description: 'list the shipped scenarios with their title, targets and duration budget', load: async () => (await import('./list.js')).listCommand() },
  { name: 'doctor', term: 'doctor [options]', description: 'show which tools and versions each target needs, has, and lacks', load: async () => (await import('./doctor.js')).doctorCommand() },
  { name: 'registry', term: 'registry', description: 'the embedded OCI registry (distribution-spec 1.1)', load: async () => (await import('./registry.js')).registryCommand() },
  { name: 'artifact', term: 'artifact', description: 'build, push, pull, tag, list and diff Flux OCI artifacts', load: async () => (await import('./artifact.js')).artifactCommand() },
  { name: 'chart', term: 'chart', description: 'package, push, pull, list and show Helm charts in OCI registries (like helm package/push/pull/show)', load: async () => (await import('./chart.js')).chartCommand() },
  { name: 'git', term: 'git', description: 'smart-HTTP Git server (git http-backend) and measured clone strategies', load: async () => (await import('./git.js')).gitCommand() },
  { name: 'fixtures', term: 'fixtures', description: 'deterministic GitOps fleet repositories for demos and measurements', load: async () => (await import('./fixtures.js')).fixturesCommand() },
  { name: 'cosign', term: 'cosign', description: "sign and verify OCI artifacts in cosign's formats (keys, classic .sig, v3 bundles)", load: async () => (await import('./cosign.js')).cosignCommand() },
  { name: 'bench', term: 'bench [options]', description: 'measure Git clone vs OCI pull live: fixtures, ocilab servers, every method, medians, fleet projection', load: async () => (await import('./bench.js')).benchCommand() },
  { name: 'prepare', term: 'prepare [options]', description: 'cache the images and Flux manifests a kind run needs offline (docker pull + save); --warm creates the cluster now', load: async () => (await import('./prepare.js')).prepareCommand() },
  { name: 'cleanup', term: 'cleanup [options]', description: 'remove everything ocilab created on a target (never what it found there)', load: async () => (await import('./cleanup.js')).cleanupCommand() },
  { name: 'replay', term: 'replay [options] <file.cast>', description: 'play an asciicast recording (run --record, rehearse) with a pause at each step: the offline fallback of a live demo', load: async () => (await import('./replay.js')).replayCommand() },
  { name: 'notes', term: 'notes [options]', description: 'speaker notes on a second screen: follows `ocilab run --mode present` on this machine (waits for it)', load: async () => (await import('./notes.js')).notesCommand() },
  { name: 'rehearse', term: 'rehearse [options] <scenario>', description: 'run the whole talk headless, record it as the fallback, and report each step against its budget', load: async () => (await import('./rehearse.js')).rehearseCommand() },
  // areas add theirs here
];

/** The default command: what `ocilab` with no command (or with a scenario id first) runs. */
export const DEFAULT_COMMAND = COMMANDS[0]!.name;

const isCommand = (name: string | undefined): name is string => name !== undefined && COMMANDS.some((c) => c.name === name);
const isVersionFlag = (arg: string): boolean => arg === '--version' || /^-v/.test(arg);
const looksLikeOption = (arg: string): boolean => arg.length > 1 && arg.startsWith('-');
const isHelpFlag = (arg: string): boolean => arg === '--help' || arg === '-h';

/**
 * The command commander will dispatch `argv` to, following its parsing of the top level (the
 * program has one option, -v/--version, and a default command): undefined when none runs
 * (`--version` anywhere before `--`, top-level help). When this guesses wrong, the program
 * still behaves: a command not loaded loads everything and parses again (src/cli.ts).
 */
export function commandFor(argv: readonly string[]): string | undefined {
  const end = argv.indexOf('--');
  const beforeEnd = end < 0 ? argv : argv.slice(0, end);
  if (beforeEnd.some(isVersionFlag)) return undefined;
  // The first argument is an operand unless it looks like an option; then all the rest is "unknown".
  const [first] = argv;
  const operands = first === '--' ? argv.slice(1) : first !== undefined && !looksLikeOption(first) ? argv : [];
  const operand = operands[0];
  if (isCommand(operand)) return operand;
  if (operand === 'help') return isCommand(operands[1]) ? operands[1] : undefined;
  // No command named: commander shows the top-level help when asked, else runs the default.
  if (beforeEnd.some(isHelpFlag)) return undefined;
  return DEFAULT_COMMAND;
}

/** Every command, built (help-text tests, and the parse again after a wrong guess). */
export async function loadAllCommands(): Promise<Command[]> {
  return Promise.all(COMMANDS.map((c) => c.load()));
}
