/** --theme and OCILAB_THEME: one option for run and notes; the flag wins; bad values are usage errors. */
import { Command } from 'commander';
import { afterEach, expect, test } from 'vitest';
import { notesCommand } from '../../src/commands/notes.js';
import { UsageError } from '../../src/commands/exit-codes.js';
import { themeFromEnv, themeOption } from '../../src/commands/theme-option.js';

const saved = process.env.OCILAB_THEME;
afterEach(() => {
  if (saved === undefined) delete process.env.OCILAB_THEME;
  else process.env.OCILAB_THEME = saved;
});

/** The theme the command's action sees (OCILAB_THEME applies just before it, in the preAction hook). */
function parse(args: string[]): { theme?: string } {
  let seen: { theme?: string } = {};
  const cmd = new Command('x')
    .addOption(themeOption())
    .hook('preAction', themeFromEnv)
    .action((opts: { theme?: string }) => void (seen = opts))
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  cmd.parse(args, { from: 'user' });
  return seen;
}

test('default, env, flag over env, bad values refused', () => {
  delete process.env.OCILAB_THEME;
  expect(parse([]).theme).toBe('default');
  process.env.OCILAB_THEME = 'projector';
  expect(parse([]).theme).toBe('projector');
  expect(parse(['--theme', 'default']).theme).toBe('default');
  process.env.OCILAB_THEME = '';
  expect(parse([]).theme).toBe('default');
  process.env.OCILAB_THEME = 'bogus';
  expect(() => parse([])).toThrow(UsageError);
  expect(() => parse([])).toThrow('OCILAB_THEME=bogus is not a theme: use default or projector (or unset it)');
  expect(parse(['--theme', 'projector']).theme).toBe('projector'); // the flag wins over a bad variable too
  expect(() => parse(['--theme', 'neon'])).toThrow(/neon/);
});

test('ocilab notes takes --theme', () => {
  expect(notesCommand().options.map((o) => o.long)).toContain('--theme');
});
