/**
 * One help style for ocilab and every command under it, nested subcommands included: the same
 * wording for `-h, --help` and the `help` subcommand, and "(required)" after a mandatory
 * option (commander enforces requiredOption but does not say so in the help). Applied in one
 * place, buildProgram's walk over the whole tree in src/cli.ts: the factories in
 * src/commands/*.ts set nothing (commander's addCommand copies no settings to subcommands).
 */
import { Help, type Command, type Option } from 'commander';

export const HELP_OPTION_DESCRIPTION = 'show help';
export const HELP_COMMAND_DESCRIPTION = 'show help for a command';

function optionDescription(this: Help, option: Option): string {
  const described = Help.prototype.optionDescription.call(this, option);
  if (!option.mandatory) return described;
  return described ? `${described} (required)` : '(required)';
}

/** Styles the help of `cmd` alone; buildProgram calls it for every command of the tree. */
export function styleHelp(cmd: Command): void {
  cmd.helpOption('-h, --help', HELP_OPTION_DESCRIPTION);
  // Only where commander would add its implicit `help` command: a group of subcommands.
  if (cmd.commands.length > 0 && !cmd.commands.some((sub) => sub.name() === 'help')) {
    cmd.helpCommand('help [command]', HELP_COMMAND_DESCRIPTION);
  }
  cmd.configureHelp({ optionDescription });
}
