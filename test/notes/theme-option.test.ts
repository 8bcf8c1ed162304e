/** --theme and OCILAB_THEME: one option for run and notes; the flag wins; bad values are usage errors. */
import { Command } from 'commander';
import { afterEach, expect, test } from 'vitest';
import { notesCommand } from '../../src/commands/notes.js';
import { themeOption } from '../../src/commands/theme-option.js';

const saved = process.env.OCILAB_THEME;
afterEach(() => {
  if (saved === undefined) delete process.env.OCILAB_THEME;
  else process.env.OCILAB_THEME = saved;
});

function parse(args: string[]): { theme?: string } {
  const cmd = new Command('x').addOption(themeOption()).exitOverride().configureOutput({ writeErr: () => undefined });
  cmd.parse(args, { from: 'user' });
  return cmd.opts();
}

test('default, env, flag over env, bad values refused', () => {
  delete process.env.OCILAB_THEME;
  expect(parse([]).theme).toBe('default');
  process.env.OCILAB_THEME = 'projector';
  expect(parse([]).theme).toBe('projector');
  expect(parse(['--theme', 'default']).theme).toBe('default');
  process.env.OCILAB_THEME = 'bogus';
  expect(() => parse([])).toThrow(/OCILAB_THEME/);
  expect(() => parse(['--theme', 'neon'])).toThrow(/neon/);
});

test('ocilab notes takes --theme', () => {
  expect(notesCommand().options.map((o) => o.long)).toContain('--theme');
});
