/**
 * Fixture generation times per preset (the `large` < 60 s on 2 cores goal lives here, not
 * in a test). Usage: npx tsx scripts/bench/fixtures.ts [preset...] [--runs N] [--dir D]
 * Prints a Markdown table with the machine it ran on.
 */
import { cpus, tmpdir, loadavg } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createFixture, PRESETS, PRESET_NAMES, isPresetName } from '../../src/git/fixtures/index.js';
import { findGit } from '../../src/git/git-binary.js';

const argv = process.argv.slice(2);
const runsAt = argv.indexOf('--runs');
const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 1;
const dirAt = argv.indexOf('--dir');
const presets = argv.filter((a, i) => isPresetName(a) && argv[i - 1] !== '--dir');
const chosen = presets.length > 0 ? presets : [...PRESET_NAMES];

const git = await findGit();
const parent = dirAt >= 0 ? argv[dirAt + 1]! : await mkdtemp(join(tmpdir(), 'ocilab-bench-fx-'));
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load avg ${loadavg().map((l) => l.toFixed(1)).join('/')}, node ${process.version}, git ${git.version}`);
console.log(`method: createFixture (one git fast-import + git repack -a -d -b), ${runs} run(s) per preset, median shown\n`);
console.log('| preset | apps | commits | objects | pack | files at tip | head | seconds (median) | runs |');
console.log('|---|---|---|---|---|---|---|---|---|');
try {
  for (const p of chosen) {
    if (!isPresetName(p)) continue;
    const times: number[] = [];
    let last;
    for (let i = 0; i < runs; i++) {
      last = await createFixture(PRESETS[p], { dir: parent, force: true });
      times.push(last.durationMs / 1000);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    const pack = last!.packBytes >= 1048576 ? `${(last!.packBytes / 1048576).toFixed(2)} MiB` : `${(last!.packBytes / 1024).toFixed(1)} KiB`;
    console.log(`| ${p} | ${PRESETS[p].apps} | ${PRESETS[p].commits} | ${last!.objects} | ${pack} | ${last!.files} | ${last!.head.slice(0, 12)} | **${median.toFixed(2)}** | ${times.map((t) => t.toFixed(2)).join(', ')} |`);
  }
} finally {
  if (dirAt < 0) await rm(parent, { recursive: true, force: true });
}
