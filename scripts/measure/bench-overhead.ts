/**
 * Measurement overhead: does ocilab's own timing of a `git clone` agree with an external
 * whole-process timing? Runs the same clone with the harness (gitCliMethod, which spawns
 * through /usr/bin/time and bash to get CPU and RSS) and with hyperfine (-N, no shell), in
 * alternating blocks, and compares the medians. Exit 1 when they differ by more than 5 %.
 *
 *   npx tsx scripts/measure/bench-overhead.ts [--apps 50] [--commits 500] [--runs 10] [--dest /dev/shm]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measure } from '../../src/measure/harness.js';
import { gitCliMethod } from '../../src/measure/methods/git-cli.js';
import { median } from '../../src/measure/stats.js';
import { makeGitRepo } from '../../test/measure/git-fixture.js';

const { values } = parseArgs({
  options: {
    apps: { type: 'string', default: '50' },
    commits: { type: 'string', default: '500' },
    runs: { type: 'string', default: '10' },
    blocks: { type: 'string', default: '3' },
    dest: { type: 'string', default: tmpdir() },
  },
});
const runs = Number(values.runs);
const root = mkdtempSync(join(values.dest!, 'ocilab-bench-overhead-'));
try {
  makeGitRepo(root, Number(values.apps), Number(values.commits), 2000);
  const url = `file://${root}/fleet.git`;
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let b = 0; b < Number(values.blocks); b++) {
    const r = await measure(gitCliMethod({ url, mode: 'full' }), { runs, warmup: 2, destRoot: root });
    ours.push(...r.samples.map((s) => s.wallMs));
    const dest = join(root, 'hf-dest');
    const json = join(root, 'hf.json');
    execFileSync(
      'hyperfine',
      ['-N', '--style', 'none', '--warmup', '2', '--runs', String(runs), '--prepare', `rm -rf ${dest}`, '--export-json', json, `git clone --quiet ${url} ${dest}`],
      { env, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    theirs.push(...(JSON.parse(readFileSync(json, 'utf8')).results[0].times as number[]).map((s) => s * 1000));
  }
  const a = median(ours);
  const h = median(theirs);
  const diff = (a - h) / h;
  console.log(`git clone (full, file://, ${values.apps} apps, ${values.commits} commits), ${ours.length} runs each, files on ${values.dest}`);
  console.log(`ocilab harness median wall: ${a.toFixed(1)} ms`);
  console.log(`hyperfine -N median:        ${h.toFixed(1)} ms`);
  console.log(`difference: ${(diff * 100).toFixed(1)} % (${(a - h).toFixed(1)} ms)`);
  if (Math.abs(diff) > 0.05) {
    console.error('FAIL: the harness and the external timing differ by more than 5 %');
    process.exitCode = 1;
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
