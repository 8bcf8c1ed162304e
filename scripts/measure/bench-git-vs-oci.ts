/**
 * Git vs OCI, measured live on this machine (src/measure/bench.ts), reports to --out.
 *   npx tsx scripts/measure/bench-git-vs-oci.ts [--presets small,medium,large,bloated] [--runs 5] [--out bench-out] [--dest tmpfs]
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isPresetName } from '../../src/git/fixtures/index.js';
import { runGitVsOciBench } from '../../src/measure/bench.js';
import { resolveDestRoot } from '../../src/measure/dest-root.js';
import type { Preset } from '../../src/measure/matrix.js';
import { renderReport, writeReport } from '../../src/measure/output.js';

const { values } = parseArgs({
  options: {
    presets: { type: 'string', default: 'small,medium,large,bloated' },
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    out: { type: 'string', default: 'bench-out' },
    dest: { type: 'string', default: 'tmpfs' },
    quick: { type: 'boolean', default: false },
  },
});
const presets = values.presets!.split(',').map((p) => p.trim());
for (const p of presets) if (!isPresetName(p)) throw new Error(`unknown preset "${p}"`);
const out = resolve(values.out!);
mkdirSync(out, { recursive: true });
const report = await runGitVsOciBench({
  presets: presets as Preset[],
  runs: Number(values.runs),
  warmup: Number(values.warmup),
  destRoot: resolveDestRoot(values.dest!),
  quick: values.quick,
  log: (l) => console.log(l),
});
for (const ext of ['html', 'json', 'md', 'csv']) await writeReport(report, join(out, `report.${ext}`));
console.log(renderReport(report, 'plain'));
console.log(`reports in ${out}`);
