/** `ocilab fixtures create <preset> [--dir]` and `ocilab fixtures list`. */
import { Command, Option } from 'commander';
import { isPresetName, PRESETS, PRESET_NAMES } from '../git/fixtures/presets.js';

const fmtBytes = (n: number) => (n >= 1048576 ? `${(n / 1048576).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

export function fixturesCommand(): Command {
  const cmd = new Command('fixtures').description('deterministic GitOps fleet repositories for demos and measurements');

  cmd
    .command('create')
    .description('generate a fleet repository (bare, under --dir) with fixed hashes for the same inputs')
    .argument('<preset>', `one of ${PRESET_NAMES.join(', ')}`)
    .option('--dir <dir>', 'parent directory; the repository is <dir>/<preset>.git', './fixtures')
    .option('--force', 'replace an existing repository of the same name')
    .addOption(new Option('--monorepo <n>', 'add n unrelated monorepo folders under services/').argParser((v) => parseCount(v)))
    .option('--seed <seed>', 'PRNG seed (default: the preset name)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `\nPresets:\n${PRESET_NAMES.map((p) => `  ${describePreset(p)}`).join('\n')}`)
    .action(async (preset: string, opts: { dir: string; force?: boolean; monorepo?: number; seed?: string; json?: boolean }) => {
      if (!isPresetName(preset)) {
        process.stderr.write(`ocilab: unknown preset "${preset}"; choose one of ${PRESET_NAMES.join(', ')}\n`);
        process.exitCode = 2;
        return;
      }
      const spec = { ...PRESETS[preset], ...(opts.seed ? { seed: opts.seed } : {}), ...(opts.monorepo ? { monorepoFolders: opts.monorepo } : {}) };
      try {
        const { createFixture } = await import('../git/fixtures/generate.js');
        const r = await createFixture(spec, { dir: opts.dir, force: opts.force === true });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        } else {
          process.stdout.write(
            `created ${r.path}\n  branch ${r.branch} at ${r.head}\n  ${r.commits} commits, ${r.objects} objects, pack ${fmtBytes(r.packBytes)}, ${r.files} files at the tip\n  generated in ${(r.durationMs / 1000).toFixed(2)} s\n  serve it: ocilab git serve --dir ${opts.dir}\n`,
          );
        }
      } catch (err) {
        process.stderr.write(`ocilab: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });

  cmd
    .command('list')
    .description('show the presets')
    .action(() => {
      for (const p of PRESET_NAMES) process.stdout.write(`${describePreset(p)}\n`);
    });
  return cmd;
}

function describePreset(p: (typeof PRESET_NAMES)[number]): string {
  const s = PRESETS[p];
  const bin = s.binary ? `, ${s.binary.bytes / 1048576} MiB binary added at commit ${s.binary.addAtCommit} and deleted at ${s.binary.deleteAtCommit}` : '';
  return `${p.padEnd(8)} ${s.apps} apps, ${s.commits} commits${bin}`;
}

function parseCount(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--monorepo needs a whole number, got "${v}"`);
  return n;
}
