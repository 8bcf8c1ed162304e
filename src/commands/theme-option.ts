/**
 * `--theme default|projector` (or OCILAB_THEME), one option for every screen ocilab shows:
 * `run` (the app and the scenario picker) and `notes`. Set OCILAB_THEME=projector once in
 * the talk's shell and both terminals follow. NO_COLOR still turns colour off in either.
 */
import { Option } from 'commander';

export type ThemeChoice = 'default' | 'projector';

export function themeOption(): Option {
  return new Option('--theme <name>', 'projector = high contrast, no grey, at most 100 columns wide and centred (for a talk)')
    .choices(['default', 'projector'])
    .env('OCILAB_THEME')
    .default('default');
}
