// Fleet projection from this run's measured medians (compare.json, written by measure.compare),
// with ocilab's own projection math (dist/measure/projection.js). Usage:
//   node project.mjs <compare.json> <clusters> <intervalMinutes> <changesPerHour>
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', 'dist', 'measure');
const { costFromResult, projectFleet } = await import(join(dist, 'projection.js'));
const { formatBytes, formatCount } = await import(join(dist, 'units.js'));

const [file, clustersArg, intervalArg, changesArg] = process.argv.slice(2);
const num = (v, name) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, got "${v}"`);
  return n;
};
const params = { clusters: num(clustersArg, 'clusters'), intervalMinutes: num(intervalArg, 'interval'), changesPerHour: num(changesArg, 'changes') };
if (params.intervalMinutes <= 0) throw new Error('interval must be > 0 minutes');
const report = JSON.parse(readFileSync(file, 'utf8'));
const find = (kind, id) => {
  const r = report.results.find((x) => x.kind === kind && x.methodId.includes(id));
  if (!r) throw new Error(`${file}: no ${kind} result whose id contains "${id}" (have: ${report.results.map((x) => x.methodId).join(', ')})`);
  return r;
};
const pairs = [
  ['Git (ls-remote + shallow clone)', find('git', 'ls-remote'), find('git', 'shallow')],
  ['OCI (HEAD + pull)', find('oci', 'head'), find('oci', 'pull')],
];
console.log(`${params.clusters} clusters, every ${params.intervalMinutes} min, ${params.changesPerHour} changes/hour:`);
const rows = pairs.map(([label, check, fetch]) => {
  const p = projectFleet(params, costFromResult(check), costFromResult(fetch));
  return [
    label,
    p.requestsPerSecond === null ? 'n/a' : `${formatCount(Math.round(p.requestsPerSecond))} req/s`,
    p.bytesDownPerHour === null ? 'n/a' : `${formatBytes(p.bytesDownPerHour)}/h`,
    p.serverCores === null ? 'n/a (server CPU not measured)' : `${p.serverCores.toFixed(2)} cores`,
  ];
});
const head = ['source', 'requests', 'egress', 'server CPU'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
