/**
 * Where the CPU of a verified 100 MiB blob pull goes: profiles N pulls (inspector's sampling
 * profiler, 200 µs, around the download loop only, not start-up) from docker-registry 2.8 on
 * loopback, with the fast path and with everything through undici, and prints the busy
 * samples by category plus CPU ms per MiB. Samples are wall-clock while the thread is busy, so
 * on a loaded machine a long native call (sha256) collects the time it was descheduled too.
 *
 *   npx tsx scripts/bench/oci-profile.ts [--runs 5] [--save DIR]   # DIR: .cpuprofile files for DevTools
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RegistryClient } from '../../src/oci/client.js';
import { startRegistry } from '../../test/oci/registry-peers.js';
import { load1 } from './oci-stats.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 0) || 5;
const save = args.includes('--save') ? args[args.indexOf('--save') + 1] : undefined;

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

function category(fn: string, url: string): string | undefined {
  if (fn === '(idle)' || (fn === 'dispatch' && url === '')) return undefined; // idle; the profiler's own stop
  if (fn === 'update' || fn === 'digest') return 'sha256 (native)';
  if (fn === '(garbage collector)') return 'garbage collector';
  if (fn === '(program)' || url === '') return 'native: syscalls, copies, other';
  if (/undici/.test(url)) return 'undici (parser, body stream)';
  if (/src\/oci\//.test(url)) return 'ocilab (fast-blob, digest, client)';
  if (/^node:|internal/.test(url)) return 'Node streams, events, sockets, timers';
  return 'other JS';
}

function byCategory(p: Profile): [string, number][] {
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const cf = nodes.get(id)!.callFrame;
    const c = category(cf.functionName, cf.url);
    if (c) totals.set(c, (totals.get(c) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  return [...totals].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, (100 * v) / all]);
}

const reg = await startRegistry('docker-registry');
const work = await mkdtemp(join(tmpdir(), 'ocilab-profile-'));
try {
  const size = 100 * 1024 * 1024;
  const blob = randomBytes(size);
  const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
  await writeFile(join(work, 'blob'), blob);
  const setup = new RegistryClient({ registry: reg.host });
  await setup.pushBlob('bench/blob', { path: join(work, 'blob'), digest, size });
  await setup.close();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  for (const [name, fastBlobMinBytes] of [['undici path (fast path off)', Infinity], ['fast path', undefined]] as const) {
    const client = new RegistryClient({ registry: reg.host, timeoutMs: 120_000, fastBlobMinBytes });
    const pull = async (): Promise<void> => {
      const { stream } = await client.openBlob('bench/blob', digest, { size });
      await pipeline(stream, new Writable({ write(_c, _e, cb) { cb(); } }));
    };
    await pull(); // warm-up
    const load = load1();
    await session.post('Profiler.start');
    const c0 = process.cpuUsage();
    for (let i = 0; i < runs; i++) await pull();
    const cpu = process.cpuUsage(c0);
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    await client.close();
    if (save) await writeFile(join(save, `${fastBlobMinBytes === undefined ? 'fast' : 'undici'}.cpuprofile`), JSON.stringify(profile));
    console.log(`${name}: ${runs} pulls of 100 MiB, load ${load}; CPU ${((cpu.user + cpu.system) / 1000 / runs / 100).toFixed(2)} ms/MiB (user ${(cpu.user / 1000 / runs).toFixed(0)} ms, sys ${(cpu.system / 1000 / runs).toFixed(0)} ms per pull, profiler on)`);
    for (const [k, pct] of byCategory(profile)) console.log(`  ${pct.toFixed(1).padStart(5)} %  ${k}`);
  }
  session.disconnect();
} finally {
  await reg.stop();
  await rm(work, { recursive: true, force: true });
}
