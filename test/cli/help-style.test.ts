/**
 * One help style from `ocilab --help` down to every nested subcommand, read through the built
 * CLI: help on stdout, exit 0; one wording for -h/--help and the help subcommand; a
 * lowercase description; every argument and option described; no noise defaults
 * ("(default: [])", "(default: false)"); defaults written as commander writes them;
 * "Examples:" as the one example heading; no blank line at the end. The walk follows each
 * help's "Commands:" section, so a command added later is checked without naming it here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/commands/exit-codes.js';
import { HELP_COMMAND_DESCRIPTION, HELP_OPTION_DESCRIPTION } from '../../src/commands/help-style.js';
import { ensureBuilt } from '../helpers/built-cli.js';
import { runBuiltCliStreams } from '../helpers/run-cli.js';

interface Help {
  /** e.g. "ocilab cosign verify" */
  name: string;
  path: string[];
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The lines of a section ("Options:", "Commands:", ...) up to the blank line that ends it. */
function section(stdout: string, heading: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l === '');
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** Help text with commander's wrapped continuation lines joined to the line they continue. */
function unwrapped(stdout: string): string {
  return stdout.replace(/\n {3,}/g, ' ');
}

/** Subcommand names listed under "Commands:", commander's own `help` left out. */
function subcommands(stdout: string): string[] {
  return section(stdout, 'Commands:')
    .map((l) => /^ {2}(\S+)/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && n !== 'help');
}

async function helpOf(path: string[]): Promise<Help> {
  // OCILAB_THEME empty: unset for ocilab, whatever the shell running the tests has.
  const r = await runBuiltCliStreams([...path, '--help'], { OCILAB_THEME: '' });
  return { name: ['ocilab', ...path].join(' '), path, ...r };
}

/** Every help from the top down, a few CLI processes at a time (the machine is shared). */
async function walkHelps(): Promise<Help[]> {
  const helps: Help[] = [];
  let level: string[][] = [[]];
  while (level.length > 0) {
    const found: Help[] = [];
    for (let i = 0; i < level.length; i += 4) found.push(...(await Promise.all(level.slice(i, i + 4).map(helpOf))));
    helps.push(...found);
    level = found.flatMap((h) => subcommands(h.stdout).map((sub) => [...h.path, sub]));
  }
  return helps;
}

/** `"<command>: <what>"` for each help where `check` finds something wrong. */
function offenders(helps: Help[], check: (h: Help) => string | string[] | undefined): string[] {
  return helps.flatMap((h) => [check(h) ?? []].flat().map((what) => `${h.name}: ${what}`));
}

let helps: Help[] = [];
beforeAll(async () => {
  ensureBuilt();
  helps = await walkHelps();
}, 180_000);

describe('every command and subcommand --help', () => {
  it('walks the whole tree, nested subcommands included', () => {
    const names = helps.map((h) => h.name);
    expect(names).toEqual(expect.arrayContaining(['ocilab', 'ocilab run', 'ocilab artifact push', 'ocilab chart push', 'ocilab cosign verify', 'ocilab fixtures create', 'ocilab git serve', 'ocilab registry serve']));
    expect(helps.length).toBeGreaterThanOrEqual(30);
  });

  it('prints the help on stdout only and exits 0', () => {
    expect(
      offenders(helps, (h) => {
        if (h.code !== EXIT.ok) return `exit ${h.code}`;
        if (h.stderr !== '') return `stderr ${JSON.stringify(h.stderr)}`;
        if (!h.stdout.startsWith(`Usage: ${h.name} `)) return `stdout starts ${JSON.stringify(h.stdout.slice(0, 40))}`;
        return undefined;
      }),
    ).toEqual([]);
  });

  it('words -h/--help and the help subcommand one way', () => {
    expect(
      offenders(helps, (h) => {
        const wrong: string[] = [];
        if (/display help/.test(h.stdout)) wrong.push('commander\'s "display help for command"');
        if (!new RegExp(`^ {2}-h, --help +${HELP_OPTION_DESCRIPTION}$`, 'm').test(h.stdout)) wrong.push(`no "-h, --help  ${HELP_OPTION_DESCRIPTION}" line`);
        const helpCommand = section(unwrapped(h.stdout), 'Commands:').find((l) => /^ {2}help /.test(l));
        if (subcommands(h.stdout).length > 0 && !helpCommand?.endsWith(` ${HELP_COMMAND_DESCRIPTION}`)) wrong.push(`help subcommand: ${JSON.stringify(helpCommand)}`);
        return wrong;
      }),
    ).toEqual([]);
  });

  it('describes the command in lowercase (the top-level tagline aside)', () => {
    expect(
      offenders(helps, (h) => {
        const description = h.stdout.split('\n')[2] ?? '';
        if (description === '' || /^(Arguments|Options|Commands):$/.test(description)) return 'no description';
        if (h.path.length > 0 && !/^[a-z]/.test(description)) return `description starts uppercase: ${JSON.stringify(description)}`;
        return undefined;
      }),
    ).toEqual([]);
  });

  it('describes every argument and option', () => {
    expect(
      offenders(helps, (h) =>
        ['Arguments:', 'Options:']
          .flatMap((heading) => section(unwrapped(h.stdout), heading))
          .filter((l) => /^ {2}\S/.test(l) && !/^ {2}\S.*? {2,}\S/.test(l))
          .map((l) => `undescribed ${l.trim()}`),
      ),
    ).toEqual([]);
  });

  it('says (required) for a required option: artifact push --source', () => {
    const push = helps.find((h) => h.name === 'ocilab artifact push');
    const source = unwrapped(push?.stdout ?? '').split('\n').find((l) => l.startsWith('  --source '));
    expect(source).toMatch(/\(required\)$/);
  });

  it('shows no noise default and writes defaults as commander does, "(default: …)"', () => {
    expect(
      offenders(helps, (h) => {
        const text = unwrapped(h.stdout);
        const wrong = [/\(default: \[\]\)/, /\(default: false\)/, /\(default [^:)]/, /; default:/]
          .map((re) => re.exec(text)?.[0])
          .filter((m) => m !== undefined)
          .map((m) => `noise or hand-written default: ${JSON.stringify(m)}`);
        const twice = text.split('\n').filter((l) => /by default/.test(l) && /\(default: /.test(l));
        return [...wrong, ...twice.map((l) => `default stated twice: ${l.trim()}`)];
      }),
    ).toEqual([]);
  });

  it('heads examples "Examples:" and ends without a blank line', () => {
    expect(
      offenders(helps, (h) => {
        const wrong = h.stdout
          .split('\n')
          .filter((l) => /^examples?\b/i.test(l) && l !== 'Examples:')
          .map((l) => `example heading ${JSON.stringify(l)}`);
        if (!h.stdout.endsWith('\n') || h.stdout.endsWith('\n\n')) wrong.push('a blank line (or no newline) at the end');
        return wrong;
      }),
    ).toEqual([]);
  });
});
