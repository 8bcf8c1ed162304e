/**
 * Each clone strategy against each fixture through ocilab's own Git server, N interleaved
 * rounds after a warm-up, medians printed as a Markdown table with the machine.
 * Usage: npx tsx scripts/bench/clones.ts [preset...] [--rounds N]
 */
import { cpus, tmpdir, loadavg } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createFixture, PRESETS, isPresetName, type PresetName } from '../../src/git/fixtures/index.js';
import { GitServer } from '../../src/git/server/server.js';
import { CLONE_STRATEGIES, measureClone, type CloneMeasurement } from '../../src/git/clone.js';
import { findGit } from '../../src/git/git-binary.js';

const argv = process.argv.slice(2);
const roundsAt = argv.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(argv[roundsAt + 1]) : 5;
const presets = argv.filter(isPresetName) as PresetName[];
const chosen: PresetName[] = presets.length > 0 ? presets : ['small', 'medium', 'large'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kib = (n: number) => (n >= 1048576 ? `${(n / 1048576).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

const git = await findGit();
const root = await mkdtemp(join(tmpdir(), 'ocilab-bench-clone-'));
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load avg ${loadavg().map((l) => l.toFixed(1)).join('/')}, node ${process.version}, git ${git.version}`);
console.log(`method: measureClone via a loopback byte-counting relay to ocilab's GitServer, ${rounds} interleaved rounds after 1 warm-up, medians; temp dir ${tmpdir()}\n`);
console.log('| repo | strategy | wall ms (min–max) | bytes down | bytes up | client CPU ms | peak RSS MiB | server CPU ms | requests | objects | files |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
const server = await new GitServer({ root }).start();
try {
  for (const p of chosen) {
    await createFixture(PRESETS[p], { dir: root, force: true });
    const url = `${server.url}/${p}.git`;
    const results = new Map<string, CloneMeasurement[]>();
    for (let r = -1; r < rounds; r++) {
      for (const strategy of CLONE_STRATEGIES) {
        const m = await measureClone({ url, strategy, server });
        if (r >= 0) results.set(strategy, [...(results.get(strategy) ?? []), m]);
      }
    }
    for (const [strategy, ms] of results) {
      const walls = ms.map((m) => m.wallMs);
      const opt = (f: (m: CloneMeasurement) => number | undefined, fmt: (x: number) => string) => {
        const xs = ms.map(f).filter((x): x is number => x !== undefined);
        return xs.length === ms.length ? fmt(median(xs)) : 'n/a';
      };
      console.log(
        `| ${p} | ${strategy} | **${median(walls).toFixed(1)}** (${Math.min(...walls).toFixed(0)}–${Math.max(...walls).toFixed(0)}) | ${opt((m) => m.bytesDown, kib)} | ${opt((m) => m.bytesUp, kib)} | ` +
          `${opt((m) => m.clientCpuMs, (x) => x.toFixed(1))} | ${opt((m) => m.peakRssBytes, (x) => (x / 1048576).toFixed(1))} | ${opt((m) => m.serverCpuMs, (x) => x.toFixed(1))} | ` +
          `${opt((m) => m.server?.requests, String)} | ${ms[0]!.objectsReceived} | ${ms[0]!.filesCheckedOut} |`,
      );
    }
  }
} finally {
  await server.stop();
  await rm(root, { recursive: true, force: true });
}
