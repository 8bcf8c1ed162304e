/**
 * `--theme default|projector` (or OCILAB_THEME), one option for every screen ocilab shows:
 * `run` (the app and the scenario picker) and `notes`. Set OCILAB_THEME=projector once in
 * the talk's shell and both terminals follow. NO_COLOR still turns colour off in either.
 *
 * OCILAB_THEME is read when the command runs (themeFromEnv, a preAction hook), not while
 * commander parses: a typo in the variable is a usage error for a run, and `--help` still
 * prints the help (commander checks an option's env value before it looks for --help).
 */
import { Option, type Command } from 'commander';
import { UsageError } from './exit-codes.js';

export const THEMES = ['default', 'projector'] as const;
export type ThemeChoice = (typeof THEMES)[number];

export function themeOption(): Option {
  return new Option('--theme <name>', 'projector = high contrast, no grey, at most 100 columns wide and centred (for a talk); when not given: $OCILAB_THEME, else default')
    .choices(THEMES)
    .default('default');
}

const isTheme = (v: string): v is ThemeChoice => (THEMES as readonly string[]).includes(v);

/** preAction hook for a command with themeOption(): no --theme given, OCILAB_THEME (checked) applies. */
export function themeFromEnv(_self: Command, action: Command, env: NodeJS.ProcessEnv = process.env): void {
  if (action.getOptionValueSource('theme') === 'cli') return;
  const value = env.OCILAB_THEME;
  if (value === undefined || value === '') return;
  if (!isTheme(value)) throw new UsageError(`OCILAB_THEME=${value} is not a theme: use ${THEMES.join(' or ')} (or unset it)`);
  action.setOptionValueWithSource('theme', value, 'env');
}
