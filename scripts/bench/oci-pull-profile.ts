/**
 * Where the milliseconds of a small-artifact pull go: pushes a 250-file artifact (10 dirs) to
 * docker-registry 2.8 on loopback, then profiles N `pullArtifact` calls to a fresh tmpfs dir
 * each (one kept-alive client; inspector sampling profiler, 100 µs, pulls only, removal of
 * the output untimed and unprofiled) and prints self time by function and by category, with
 * the phase p50s and this process's CPU per pull.
 *
 *   npx tsx scripts/bench/oci-pull-profile.ts [--runs 40] [--save FILE.cpuprofile]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../src/oci/client.js';
import { pullArtifact, pushArtifact } from '../../src/oci/remote.js';
import { startRegistry } from '../../test/oci/registry-peers.js';
import { load1, percentile, writeSmallPullTree } from './oci-stats.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 0) || 40;
const save = args.includes('--save') ? args[args.indexOf('--save') + 1] : undefined;

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

function category(fn: string, url: string): string | undefined {
  if (fn === '(idle)' || (fn === 'dispatch' && url === '') || fn === 'writeLatin1String') return undefined; // idle; the profiler's own stop and its JSON
  if (fn === '(garbage collector)') return 'garbage collector';
  if (fn === '(program)' || url === '') return 'native (syscalls, zlib, copies)';
  if (/undici/.test(url)) return 'undici';
  if (/node_modules\/(tar|minipass)/.test(url)) return 'tar parser (node-tar, minipass)';
  if (/src\/oci\//.test(url)) return 'ocilab';
  if (/^node:|internal/.test(url)) return 'Node core JS (fs, streams, zlib, events)';
  return 'other JS';
}

const reg = await startRegistry('docker-registry');
const work = await mkdtemp(join(tmpdir(), 'ocilab-pull-profile-'));
const shm = await mkdtemp('/dev/shm/ocilab-pull-profile-');
const client = new RegistryClient({ registry: reg.host, timeoutMs: 60_000 });
try {
  const src = join(work, 'src');
  await writeSmallPullTree(src);
  const ref = `oci://${reg.host}/bench/artifact:v1`;
  await pushArtifact(ref, { path: src, source: 'bench', revision: 'main@sha1:0', reproducible: true, client });
  for (let i = 0; i < 5; i++) { // warm-up
    await pullArtifact(ref, { output: join(shm, 'warm'), client });
    await rm(join(shm, 'warm'), { recursive: true });
  }
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  const load = load1();
  const totals = new Map<string, number>();
  const byFn = new Map<string, number>();
  const wall: number[] = [];
  const phases: Record<string, number[]> = { manifest: [], layer: [], extract: [] };
  let cpuUs = 0;
  let profiled = 0;
  for (let i = 0; i < runs; i++) {
    const out = join(shm, `out-${i}`);
    await session.post('Profiler.start');
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await pullArtifact(ref, { output: out, client });
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuUs += c.user + c.system;
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    phases.manifest!.push(r.timings.manifestMs);
    phases.layer!.push(r.timings.layerMs);
    phases.extract!.push(r.timings.extractMs);
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, k) => {
      const cf = nodes.get(id)!.callFrame;
      const cat = category(cf.functionName, cf.url);
      if (!cat) return;
      const dt = profile.timeDeltas[k] ?? 0;
      profiled += dt;
      totals.set(cat, (totals.get(cat) ?? 0) + dt);
      const key = `${cf.functionName || '(anon)'} ${cf.url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${cf.lineNumber + 1}`;
      byFn.set(key, (byFn.get(key) ?? 0) + dt);
    });
    if (save && i === runs - 1) await writeFile(save, JSON.stringify(profile));
    await rm(out, { recursive: true });
  }
  session.disconnect();
  const p50 = (xs: number[]): string => percentile(xs, 50).toFixed(1);
  console.log(`${runs} pulls, load ${load}: wall p50 ${p50(wall)} ms (manifest ${p50(phases.manifest!)}, layer ${p50(phases.layer!)}, extract ${p50(phases.extract!)}); CPU ${(cpuUs / 1000 / runs).toFixed(1)} ms per pull (profiler on); busy samples ${(profiled / 1000 / runs).toFixed(1)} ms per pull`);
  for (const [k, v] of [...totals].sort((a, b) => b[1] - a[1])) console.log(`  ${((100 * v) / profiled).toFixed(1).padStart(5)} %  ${k}`);
  console.log('top functions (self):');
  for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${(v / 1000 / runs).toFixed(2).padStart(6)} ms  ${k}`);
} finally {
  await client.close();
  await reg.stop();
  await rm(work, { recursive: true, force: true });
  await rm(shm, { recursive: true, force: true });
}
