/**
 * `ocilab replay <file.cast>`: plays an asciicast v2 recording (from `run --record` or
 * `rehearse`) in this terminal: one step per key at markers, n/p, +/- speed, space, q.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import stringWidth from 'string-width';
import { CastParseError, markersOf, parseCast } from '../record/asciicast.js';
import { playCast } from '../record/player.js';
import { EXIT, UsageError } from './exit-codes.js';

export function recordedBanner(title: string | undefined, timestamp: number | undefined): string {
  const when = timestamp !== undefined ? new Date(timestamp * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'date unknown';
  return `RECORDED ${when}${title ? ` — ${title}` : ''}`;
}

/** `text` cut to at most `width` terminal columns, with … when cut. */
export function cutToWidth(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let out = '';
  for (const ch of text) {
    if (stringWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

export async function replayFile(file: string, opts: { speed: number; keys: boolean }): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let cast;
  try {
    cast = parseCast(text, file);
  } catch (err) {
    if (err instanceof CastParseError) throw new UsageError(err.message);
    throw err;
  }
  const stdin = process.stdin;
  const interactive = opts.keys && stdin.isTTY === true && process.stdout.isTTY === true;
  const out = (t: string) => void process.stdout.write(t);
  const steps = markersOf(cast).length;
  // Two short lines, cut to the terminal's width, so neither wraps at 80 columns.
  const fit = (text: string) => cutToWidth(text, Math.max(20, (process.stdout.columns ?? 80) - 2));
  const bannerLines = [
    `\u001b[7m ${fit(recordedBanner(cast.header.title, cast.header.timestamp))} \u001b[0m`,
    fit(`${steps} step${steps === 1 ? '' : 's'}${interactive ? ' · space pause · n/p step · +/- speed · q quit' : ''}`),
  ];
  const banner = bannerLines.map((line) => `${line}\r\n`).join('');
  out(banner);
  // On a terminal the two lines stay on the top rows while the recording plays (over its header).
  const tty = process.stdout.isTTY === true;
  const pinned = tty ? bannerLines : undefined;
  // At the end the pin gives way (the recording's summary may be on those rows) to a line below it.
  const endLine = tty
    ? `\r\n\u001b[7m ${fit(`RECORDED · end of the recording${interactive ? ' · p back · q quit' : ''}`)} \u001b[0m`
    : undefined;
  if (!interactive) {
    await playCast(cast, { write: out, onKeys: () => () => undefined }, { exitAtEnd: true, speed: opts.speed, idleLimit: 2 / opts.speed, pinned, endLine });
    return EXIT.ok;
  }
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  try {
    await playCast(
      cast,
      {
        write: out,
        onKeys: (listener) => {
          stdin.on('data', listener);
          return () => void stdin.off('data', listener);
        },
      },
      { speed: opts.speed, banner, pinned, endLine },
    );
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    out('\r\n\u001b[0m');
  }
  return EXIT.ok;
}

export function replayCommand(): Command {
  return new Command('replay')
    .description('play an asciicast recording (run --record, rehearse) with a pause at each step: the offline fallback of a live demo')
    .argument('<file.cast>', 'asciicast v2 file')
    .addOption(new Option('--speed <x>', 'playback speed').default(1).argParser((v) => {
      const n = Number(v);
      if (!(n > 0)) throw new UsageError(`--speed expects a positive number, got "${v}"`);
      return n;
    }))
    .option('--no-keys', 'play straight through without waiting for keys (also when not a terminal)')
    .addHelpText('after', '\nKeys: space pause/resume · n next step · p previous step · + faster · - slower · q quit\n\nExamples:\n  ocilab run hello --record hello.cast\n  ocilab replay hello.cast')
    .action(async (file: string, opts: { speed: number; keys: boolean }) => {
      process.exitCode = await replayFile(file, opts);
    });
}
