/**
 * Every subcommand of `ocilab`. An area adds its command with one line here:
 * `import { benchCommand } from './bench.js';` and `benchCommand(),` in the list.
 */
import type { Command } from 'commander';
import { cleanupCommand } from './cleanup.js';
import { doctorCommand } from './doctor.js';
import { listCommand } from './list.js';
import { artifactCommand } from './artifact.js';
import { benchCommand } from './bench.js';
import { chartCommand } from './chart.js';
import { cosignCommand } from './cosign.js';
import { fixturesCommand } from './fixtures.js';
import { gitCommand } from './git.js';
import { prepareCommand } from './prepare.js';
import { registryCommand } from './registry.js';
import { runCommand } from './run.js';
import { replayCommand } from './replay.js';
import { notesCommand } from './notes.js';
import { rehearseCommand } from './rehearse.js';

export function allCommands(): Command[] {
  return [
    runCommand(),
    listCommand(),
    doctorCommand(),
    registryCommand(),
    artifactCommand(),
    chartCommand(),
    gitCommand(),
    fixturesCommand(),
    cosignCommand(),
    benchCommand(),
    prepareCommand(),
    cleanupCommand(),
    replayCommand(),
    notesCommand(),
    rehearseCommand(),
    // areas add theirs here
  ];
}
