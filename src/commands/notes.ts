/**
 * `ocilab notes`: the speaker's second screen. Follows the presentation running on this
 * machine (a Unix socket in the user's runtime dir, no network); waits for it if started first.
 */
import { Command } from 'commander';
import { subscribeNotes } from '../notes/channel.js';
import { notesSocketPath } from '../notes/paths.js';
import type { NotesSnapshot } from '../notes/snapshot.js';
import { styleNotes } from '../notes/style.js';
import { notesLines } from '../notes/view.js';
import { colorEnabled } from '../plain/color.js';
import { frameBox } from '../ui/layout.js';
import { createTheme } from '../ui/palette.js';
import { EXIT } from './exit-codes.js';
import { themeFromEnv, themeOption, type ThemeChoice } from './theme-option.js';

export async function followNotes(opts: { once?: boolean; theme?: ThemeChoice } = {}): Promise<number> {
  const out = process.stdout;
  const tty = out.isTTY === true;
  const theme = createTheme(colorEnabled(out), opts.theme);
  let last: NotesSnapshot | undefined;
  let waiting = true;
  let printed = '';
  const draw = () => {
    // The projector frame as the app's: at most 100 columns, centred.
    const box = frameBox(out.columns ?? 80, out.rows ?? 24, theme.name === 'projector');
    const lines = notesLines(last, Date.now(), box.width, waiting);
    const text = lines.join('\n');
    if (tty) out.write('\u001b[H\u001b[2J' + styleNotes(lines, theme, box).join('\r\n'));
    else if (text !== printed) out.write(text + '\n\n'); // not a terminal: print each new state once
    printed = text;
  };
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (tty) out.write('\u001b[?1049h\u001b[?25l');
  const ticker = tty ? setInterval(draw, 1000) : undefined;
  draw();
  try {
    await subscribeNotes(
      notesSocketPath(),
      (e) => {
        if (e.kind === 'snapshot') {
          last = e.snapshot;
          waiting = false;
          if (opts.once && e.snapshot) controller.abort();
        } else waiting = e.kind === 'waiting';
        draw();
      },
      controller.signal,
    );
  } finally {
    if (ticker) clearInterval(ticker);
    if (tty) out.write('\u001b[?25h\u001b[?1049l');
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return EXIT.ok;
}

export function notesCommand(): Command {
  return new Command('notes')
    .description('speaker notes on a second screen: follows `ocilab run --mode present` on this machine (waits for it)')
    .option('--once', 'print the current state once and exit (scripts, tests)')
    .addOption(themeOption())
    .hook('preAction', themeFromEnv)
    .addHelpText('after', '\nExamples:\n  ocilab notes                       # terminal 1: the notes, waiting for the talk\n  ocilab run hello --mode present    # terminal 2: the talk they follow')
    .action(async (opts: { once?: boolean; theme?: ThemeChoice }) => {
      process.exitCode = await followNotes(opts);
    });
}
