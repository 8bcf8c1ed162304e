/**
 * Help and usage errors look the same from every command, `notes` included: help on stdout,
 * exit 0; a usage error on stderr, nothing on stdout, exit 2 (EXIT.usage). Through the built CLI.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/commands/exit-codes.js';
import { ensureBuilt } from '../helpers/built-cli.js';
import { runBuiltCliStreams } from '../helpers/run-cli.js';

beforeAll(() => ensureBuilt(), 120_000);

// OCILAB_THEME empty: unset for ocilab, whatever the shell running the tests has.
const ocilab = (args: string[], env: Record<string, string> = {}) => runBuiltCliStreams(args, { OCILAB_THEME: '', ...env });

describe.each(['notes', 'run', 'list'])('ocilab %s', (command) => {
  it('--help: the help on stdout, nothing on stderr, exit 0', async () => {
    const r = await ocilab([command, '--help']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^Usage: ocilab ${command} `));
    expect(r.stdout, 'a blank line after the help').not.toMatch(/\n\n$/);
    expect(r.code).toBe(EXIT.ok);
  });

  it('an unknown option: the error on stderr, nothing on stdout, exit 2', async () => {
    const r = await ocilab([command, '--bogus']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("error: unknown option '--bogus'");
    expect(r.code).toBe(EXIT.usage);
  });
});

describe.each(['notes', 'run'])('ocilab %s and its theme', (command) => {
  it('an invalid --theme: the error on stderr, nothing on stdout, exit 2', async () => {
    const r = await ocilab([command, '--theme', 'neon']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("argument 'neon' is invalid. Allowed choices are default, projector.");
    expect(r.code).toBe(EXIT.usage);
  });

  it('a mistyped OCILAB_THEME does not stop --help', async () => {
    const r = await ocilab([command, '--help'], { OCILAB_THEME: 'projecter' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^Usage: ocilab ${command} `));
    expect(r.code).toBe(EXIT.ok);
  });

  it('a mistyped OCILAB_THEME is a usage error when the command runs: stderr, exit 2, nothing run', async () => {
    const args = command === 'run' ? ['run', 'hello', '--plain'] : ['notes', '--once'];
    const r = await ocilab(args, { OCILAB_THEME: 'projecter' });
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('ocilab: OCILAB_THEME=projecter is not a theme: use default or projector (or unset it)\n');
    expect(r.code).toBe(EXIT.usage);
  });
});
