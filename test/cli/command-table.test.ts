/**
 * src/commands/index.ts names, describes and shows the term of every command without importing
 * it (`ocilab --help`): these must be what each factory builds. commandFor must pick the
 * command commander dispatches to, or none when none runs.
 */
import { Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandFor, COMMANDS, DEFAULT_COMMAND } from '../../src/commands/index.js';

describe('the command table', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s: name, term and description match its factory', async (_name, entry) => {
    const command = await entry.load();
    expect({ name: command.name(), term: new Help().subcommandTerm(command), description: command.description() }).toEqual({
      name: entry.name,
      term: entry.term,
      description: entry.description,
    });
  });

  it('the default command is run', () => {
    expect(DEFAULT_COMMAND).toBe('run');
  });
});

describe('commandFor', () => {
  it.each([
    [[], 'run'],
    [['hello'], 'run'],
    [['--plain'], 'run'],
    [['list'], 'list'],
    [['artifact', 'pull', 'oci://x/y:z', '-o', 'out'], 'artifact'],
    [['artifact', '--help'], 'artifact'],
    [['help', 'cosign'], 'cosign'],
    [['help'], undefined],
    [['help', 'nothing'], undefined],
    [['--help'], undefined],
    [['-h'], undefined],
    [['hello', '--help'], undefined],
    [['--plain', '-h'], undefined],
    [['--version'], undefined],
    [['-v'], undefined],
    [['run', 'hello', '--version'], undefined],
    [['run', '--', '--version'], 'run'],
    [['--', 'list'], 'list'],
  ] as [string[], string | undefined][])('%j → %s', (argv, expected) => {
    expect(commandFor(argv)).toBe(expected);
  });
});
