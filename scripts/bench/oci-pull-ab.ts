/**
 * A/B of the small-artifact pull between this tree and another revision's sources, in the
 * same process and the same rounds (the machine is shared: only interleaved figures compare).
 * Pushes a 250-file artifact (10 dirs, as `npm run bench:oci` does) to docker-registry 2.8 on
 * loopback; each round runs K pulls with A's `pullArtifact` and K with B's (order alternating),
 * each into a fresh tmpfs dir (removal untimed), one kept-alive client per side.
 * Prints p50/p90 per side, this process's CPU per pull (p50; far less load-dependent than
 * wall time), the phases' p50, and the per-round ratio of wall medians (A / B).
 *
 *   git archive <rev> src | tar -x -C /tmp/base && ln -s $PWD/node_modules /tmp/base/
 *   npx tsx scripts/bench/oci-pull-ab.ts --base /tmp/base [--rounds 15] [--per-round 4] [--random-per-file 96]
 *
 * `--base` (and `--this`, default this tree's src/) may also name a compiled tree, the `dist/`
 * of `tsc -p tsconfig.build.json` (it holds oci/remote.js): what ships, without tsx's
 * transform (its keepNames wrappers) in the measured code.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as here from '../../src/oci/remote.js';
import { RegistryClient } from '../../src/oci/client.js';
import { startRegistry } from '../../test/oci/registry-peers.js';
import { load1, percentile, summary, writeSmallPullTree } from './oci-stats.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);
const base = resolve(opt('--base', ''));
const thisTree = args.includes('--this') ? resolve(opt('--this', '')) : undefined;
const rounds = Number(opt('--rounds', '15'));
const perRound = Number(opt('--per-round', '4'));
/** Random bytes per file (hex in the file): 96 gives the ~31 KiB layer of bench:oci, 12000 ~3 MiB. */
const randomPerFile = Number(opt('--random-per-file', '96'));

type Remote = typeof here;
type Client = { close(): Promise<void> };
type ClientClass = new (o: object) => Client;
/** A tree's remote and client modules: `DIR/oci/*.js` when compiled, else `DIR/src/oci/*.ts`. */
async function load(dir: string): Promise<{ remote: Remote; RegistryClient: ClientClass }> {
  const file = (name: string): string => (existsSync(join(dir, 'oci/remote.js')) ? join(dir, `oci/${name}.js`) : join(dir, `src/oci/${name}.ts`));
  const remote = (await import(pathToFileURL(file('remote')).href)) as Remote;
  const { RegistryClient: C } = (await import(pathToFileURL(file('client')).href)) as { RegistryClient: ClientClass };
  return { remote, RegistryClient: C };
}
const a = thisTree ? await load(thisTree) : { remote: here, RegistryClient: RegistryClient as unknown as ClientClass };
const b = await load(base);

const reg = await startRegistry('docker-registry');
const work = await mkdtemp(join(tmpdir(), 'ocilab-pull-ab-'));
const shm = await mkdtemp('/dev/shm/ocilab-pull-ab-');
const sides = {
  A: { remote: a.remote, client: new a.RegistryClient({ registry: reg.host, timeoutMs: 60_000 }) },
  B: { remote: b.remote, client: new b.RegistryClient({ registry: reg.host, timeoutMs: 60_000 }) },
};
try {
  const src = join(work, 'src');
  await writeSmallPullTree(src, randomPerFile);
  const ref = `oci://${reg.host}/bench/artifact:v1`;
  const pushed = await here.pushArtifact(ref, { path: src, source: 'bench', revision: 'main@sha1:0', reproducible: true });
  const times: Record<'A' | 'B', number[]> = { A: [], B: [] };
  const cpu: Record<'A' | 'B', number[]> = { A: [], B: [] };
  const phases: Record<'A' | 'B', { manifestMs: number; layerMs: number; extractMs: number }[]> = { A: [], B: [] };
  const roundRatios: number[] = [];
  const loads: number[] = [];
  let n = 0;
  const pull = async (side: 'A' | 'B', keep: boolean): Promise<number> => {
    const out = join(shm, `out-${n++}`);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await sides[side].remote.pullArtifact(ref, { output: out, client: sides[side].client as never });
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (keep) cpu[side].push((c.user + c.system) / 1000);
    if (r.files !== 250) throw new Error(`${side}: ${r.files} files`);
    if (keep) phases[side].push(r.timings);
    await rm(out, { recursive: true });
    return ms;
  };
  for (let i = 0; i < 5; i++) for (const s of ['A', 'B'] as const) await pull(s, false); // warm-up
  for (let r = 0; r < rounds; r++) {
    loads.push(load1());
    const order = r % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const);
    const inRound: Record<'A' | 'B', number[]> = { A: [], B: [] };
    for (let k = 0; k < perRound; k++) {
      for (const s of order) inRound[s].push(await pull(s, true));
    }
    times.A.push(...inRound.A);
    times.B.push(...inRound.B);
    roundRatios.push(percentile(inRound.A, 50) / percentile(inRound.B, 50));
  }
  const side = (s: 'A' | 'B') => ({
    p50Ms: +percentile(times[s], 50).toFixed(1), p90Ms: +percentile(times[s], 90).toFixed(1), n: times[s].length,
    cpuMsP50: +percentile(cpu[s], 50).toFixed(1), // this process, all threads: barely load-dependent
    phaseP50Ms: Object.fromEntries((['manifestMs', 'layerMs', 'extractMs'] as const).map((k) => [k, +percentile(phases[s].map((p) => p[k]), 50).toFixed(1)])),
  });
  console.log(JSON.stringify({ A: thisTree ?? 'this tree', B: base, layerBytes: pushed.layer.size, load1m: summary(loads), rounds, perRound, Athis: side('A'), Bbase: side('B'), ratioAoverB: summary(roundRatios) }, null, 2));
} finally {
  await sides.A.client.close();
  await sides.B.client.close();
  await reg.stop();
  await rm(work, { recursive: true, force: true });
  await rm(shm, { recursive: true, force: true });
}
