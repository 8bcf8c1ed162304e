/**
 * `npm run bench:oci`: ocilab's OCI client against the CNCF distribution registry (2.8) on
 * loopback, same run, same blobs.
 *   1. 100 MiB blob: ocilab pull (digest verified, bytes discarded: verifyBlob / written to
 *      tmpfs: downloadBlob / read as a stream: openBlob, what extraction reads) vs
 *      `curl -o /dev/null`, N rounds interleaved in rotated order; per round the ratio of
 *      throughputs (wall) and of CPU time; median (min-max) over the rounds, the load average
 *      seen, and CPU ms per MiB of each method (barely load-dependent, unlike wall time).
 *      Plain undici (no verification) is measured too, as a reference Node client, and curl
 *      writing to tmpfs, the like-for-like reference for ocilab's download to tmpfs; and
 *      ocilab in a fresh child process per pull (as curl runs), timed after start-up; and the
 *      same client with the fast path off (all through undici), the client as it was before.
 *   2. 1 GiB blob pulled in a child process (plain node on dist/), discarded, to tmpfs and as a
 *      stream: peak RSS of each.
 *   3. Per-pull overhead with one kept-alive client: manifest HEAD p50, and manifest + layer +
 *      safe extract of a 250-file artifact to tmpfs p50.
 * Options: --runs N (default 9), --skip-1g, --only m1,m2 (just these methods of part 1, e.g.
 *   curl,ocilabDiscard, for an A/B in more rounds; parts 2 and 3 skipped). Prints JSON.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { RegistryClient } from '../../src/oci/client.js';
import { pullArtifact, pushArtifact } from '../../src/oci/remote.js';
import { startRegistry } from '../../test/oci/registry-peers.js';
import { curlRun, load1, measureInProcess, mib, percentile, summary, timeRuns, writeSmallPullTree } from './oci-stats.js';

const run = promisify(execFile);
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 0) || 9;
const skip1g = args.includes('--skip-1g');
/** --only curl,ocilabDiscard,...: run just these methods of part 1 (and skip parts 2 and 3). */
const only = args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : undefined;
const tmpfs = '/dev/shm';

async function writeRandomFile(path: string, size: number): Promise<string> {
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256');
  const out = createWriteStream(path);
  const chunk = 8 * 1024 * 1024;
  for (let done = 0; done < size; done += chunk) {
    const b = randomBytes(Math.min(chunk, size - done));
    h.update(b);
    if (!out.write(b)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((e?: Error) => (e ? j(e) : r())));
  return `sha256:${h.digest('hex')}`;
}

async function main(): Promise<void> {
  const reg = await startRegistry('docker-registry');
  const work = await mkdtemp(join(tmpdir(), 'ocilab-bench-'));
  const shm = await mkdtemp(join(tmpfs, 'ocilab-bench-'));
  const client = new RegistryClient({ registry: reg.host, timeoutMs: 120_000 });
  const results: Record<string, unknown> = {
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, memGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, loadAtStart: load1() },
    registry: 'docker-registry 2.8 (Debian), filesystem storage, 127.0.0.1',
  };
  try {
    // 1. 100 MiB blob throughput vs curl
    const size = 100 * 1024 * 1024;
    const blobFile = join(work, 'blob100');
    const digest = await writeRandomFile(blobFile, size);
    await client.pushBlob('bench/blob', { path: blobFile, digest, size });
    const url = `${reg.url}/v2/bench/blob/blobs/${digest}`;
    const discard = async (): Promise<void> => {
      await client.verifyBlob('bench/blob', digest, { size });
    };
    const viaStream = async (): Promise<void> => {
      const { stream } = await client.openBlob('bench/blob', digest, { size });
      await pipeline(stream, new Writable({ write(_c, _e, cb) { cb(); } }));
    };
    // The same client with the fast path switched off: everything through undici, as before it existed.
    const undiciClient = new RegistryClient({ registry: reg.host, timeoutMs: 120_000, fastBlobMinBytes: Infinity });
    const discardViaUndici = async (): Promise<void> => {
      const { stream } = await undiciClient.openBlob('bench/blob', digest, { size });
      await pipeline(stream, new Writable({ write(_c, _e, cb) { cb(); } }));
    };
    const toShm = async (): Promise<void> => {
      await client.downloadBlob('bench/blob', digest, join(shm, 'blob'), { size });
    };
    // The floor for any Node client: undici with no hashing, no file (tells transport cost from verification cost).
    const rawAgent = new Agent({ keepAliveTimeout: 30_000 });
    const rawUndici = async (): Promise<void> => {
      const res = await request(url, { dispatcher: rawAgent });
      for await (const _chunk of res.body) {
        // discard
      }
    };
    const child = join(import.meta.dirname, 'oci-pull-child.mjs');
    const pullInChild = async (out: string): Promise<Run> => {
      const load = load1();
      const r = await run(process.execPath, [child, reg.host, 'bench/blob', digest, String(size), out], { maxBuffer: 1 << 20 });
      const parsed = JSON.parse(r.stdout) as { bytes: number; ms: number; cpuMs: number };
      if (parsed.bytes !== size) throw new Error(`child pulled ${parsed.bytes} bytes`);
      return { wallMs: parsed.ms, cpuMs: parsed.cpuMs, load };
    };
    // Interleaved: every round runs each method once, in a rotated order, so a burst of load
    // from other work on the machine hits all methods alike; ratios are taken per round.
    type Run = { wallMs: number; cpuMs: number; load: number; spawnWallMs?: number };
    const methods: Record<string, () => Promise<Run>> = {
      curl: () => curlRun(url, size),
      curlTmpfs: async () => {
        const r = await curlRun(url, size, join(shm, 'curl-blob'));
        await rm(join(shm, 'curl-blob')); // untimed
        return r;
      },
      undiciNoVerify: () => measureInProcess(rawUndici),
      ocilabDiscard: () => measureInProcess(discard),
      ocilabStream: () => measureInProcess(viaStream),
      ocilabDiscardUndiciPath: () => measureInProcess(discardViaUndici),
      // A fresh process per pull, as curl is: no long-lived process's scheduler history or heap.
      ocilabChild: () => pullInChild('-'),
      ocilabTmpfs: async () => {
        const r = await measureInProcess(toShm);
        await rm(join(shm, 'blob')); // untimed
        return r;
      },
    };
    if (only) for (const k of Object.keys(methods)) if (!only.includes(k)) delete methods[k];
    const names = Object.keys(methods);
    for (const name of names) await methods[name]!(); // warm-up: page cache, connections, JIT
    const t: Record<string, Run[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (let i = 0; i < runs; i++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(i + k) % names.length]!;
        t[name]!.push(await methods[name]!());
      }
    }
    // curl's CPU above includes its own start-up and exit; measure that on a 2-byte answer (/v2/)
    // so the CPU ratio can also be given without it.
    const startup: number[] = [];
    for (let i = 0; i < runs; i++) startup.push((await curlRun(`${reg.url}/v2/`, 2)).cpuMs);
    const curlStartupCpuMs = summary(startup).median;
    const sizeMiB = size / 2 ** 20;
    const perMethod = (rs: Run[]) => ({
      wallMs: summary(rs.map((r) => r.wallMs), 1),
      MiBps: +(sizeMiB / (summary(rs.map((r) => r.wallMs)).median / 1000)).toFixed(0),
      cpuMsPerMiB: summary(rs.map((r) => r.cpuMs / sizeMiB)),
    });
    const ratio = (a: string, b: string, key: 'wallMs' | 'cpuMs' | 'spawnWallMs' = 'wallMs', keyB: 'wallMs' | 'cpuMs' = key === 'spawnWallMs' ? 'wallMs' : key) =>
      summary(t[a]!.map((r, i) => (r[key] ?? NaN) / t[b]![i]![keyB]));
    const loads = names.flatMap((n) => t[n]!.map((r) => r.load));
    if (only) {
      results.blob100MiB = {
        runs, loadAverage1m: summary(loads),
        ...Object.fromEntries(names.map((n) => [n, { ...perMethod(t[n]!), ...(t.curl && n !== 'curl' ? { ratioWall: ratio('curl', n), ratioCpu: ratio('curl', n, 'cpuMs') } : {}) }])),
      };
      console.log(JSON.stringify(results, null, 2));
      return;
    }
    results.blob100MiB = {
      runs,
      method: 'rounds interleaved in rotated order after 1 warm-up each; median (min-max); ratio = curl / ocilab per round, so >1 means ocilab is faster',
      loadAverage1m: summary(loads),
      curl: { ...perMethod(t.curl!), wallIs: 'curl time_total (transfer only)', spawnWallMs: summary(t.curl!.map((r) => r.spawnWallMs ?? NaN), 1) },
      undiciNoVerify: perMethod(t.undiciNoVerify!),
      ocilabDiscard: { ...perMethod(t.ocilabDiscard!), wallIs: 'verifyBlob: digest and size checked, bytes dropped (fast path: a ring of reused slabs)' },
      ocilabStream: { ...perMethod(t.ocilabStream!), wallIs: 'openBlob read to the end: a verified stream (fast path: fresh 1 MiB slabs, as a stream consumer may keep them)' },
      ocilabTmpfs: perMethod(t.ocilabTmpfs!),
      ocilabDiscardUndiciPath: { ...perMethod(t.ocilabDiscardUndiciPath!), wallIs: 'ocilab with fastBlobMinBytes: Infinity (all through undici, the client before the fast path)' },
      ocilabChild: { ...perMethod(t.ocilabChild!), wallIs: 'the pull inside a fresh node process (dist/), after start-up, bytes discarded' },
      curlTmpfs: { ...perMethod(t.curlTmpfs!), wallIs: 'curl time_total (transfer only), output on /dev/shm' },
      ratioWall: {
        ocilabDiscard: ratio('curl', 'ocilabDiscard'),
        ocilabChild: ratio('curl', 'ocilabChild'),
        ocilabStream: ratio('curl', 'ocilabStream'),
        ocilabDiscardUndiciPath: ratio('curl', 'ocilabDiscardUndiciPath'),
        ocilabTmpfs: ratio('curl', 'ocilabTmpfs'),
        ocilabTmpfsVsCurlTmpfs: ratio('curlTmpfs', 'ocilabTmpfs'),
        undiciNoVerify: ratio('curl', 'undiciNoVerify'),
        ocilabDiscardVsCurlProcessWall: ratio('curl', 'ocilabDiscard', 'spawnWallMs'),
      },
      curlStartupCpuMs: summary(startup),
      ratioCpuWithoutCurlStartup: {
        ocilabDiscard: summary(t.curl!.map((r, i) => (r.cpuMs - curlStartupCpuMs) / t.ocilabDiscard![i]!.cpuMs)),
        ocilabTmpfsVsCurlTmpfs: summary(t.curlTmpfs!.map((r, i) => (r.cpuMs - curlStartupCpuMs) / t.ocilabTmpfs![i]!.cpuMs)),
      },
      ratioCpu: {
        ocilabDiscard: ratio('curl', 'ocilabDiscard', 'cpuMs'),
        ocilabChild: ratio('curl', 'ocilabChild', 'cpuMs'),
        ocilabStream: ratio('curl', 'ocilabStream', 'cpuMs'),
        ocilabDiscardUndiciPath: ratio('curl', 'ocilabDiscardUndiciPath', 'cpuMs'),
        ocilabTmpfs: ratio('curl', 'ocilabTmpfs', 'cpuMs'),
        ocilabTmpfsVsCurlTmpfs: ratio('curlTmpfs', 'ocilabTmpfs', 'cpuMs'),
        undiciNoVerify: ratio('curl', 'undiciNoVerify', 'cpuMs'),
      },
    };
    await rm(blobFile);
    await rawAgent.close();
    await undiciClient.close();

    // 2. 1 GiB blob, pulled by a separate process: peak RSS
    if (!skip1g) {
      const gsize = 1024 * 1024 * 1024;
      const gfile = join(work, 'blob1g');
      const gdigest = await writeRandomFile(gfile, gsize);
      await client.pushBlob('bench/big', { path: gfile, digest: gdigest, size: gsize });
      await rm(gfile);
      // Plain node on the built dist/ (npm run bench:oci builds first): no TypeScript loader in the figure.
      const pull1g = async (out: string) => {
        const r = await run(process.execPath, [child, reg.host, 'bench/big', gdigest, String(gsize), out], { maxBuffer: 1 << 20 });
        const parsed = JSON.parse(r.stdout) as { bytes: number; ms: number; maxRssBytes: number; rssBeforeBytes: number };
        if (parsed.bytes !== gsize) throw new Error(`child pulled ${parsed.bytes} bytes`);
        return {
          ms: +parsed.ms.toFixed(0), MiBps: +(gsize / 2 ** 20 / (parsed.ms / 1000)).toFixed(0), load: load1(),
          rssBeforePullMiB: +mib(parsed.rssBeforeBytes), peakRssMiB: +mib(parsed.maxRssBytes),
        };
      };
      await pull1g('-'); // warm-up: the registry wrote the blob just now (write-back, page cache)
      const discarded = await pull1g('-');
      const toTmpfs = await pull1g(join(shm, 'big'));
      await rm(join(shm, 'big'));
      results.blob1GiB = { bytes: gsize, discarded, toTmpfs, asStream: await pull1g('stream') };
    }

    // 3. per-pull overhead, one kept-alive client
    const src = join(work, 'src');
    await writeSmallPullTree(src);
    const ref = `oci://${reg.host}/bench/artifact:v1`;
    const pushed = await pushArtifact(ref, { path: src, source: 'bench', revision: 'main@sha1:0', reproducible: true, client });
    await client.headManifest('bench/artifact', 'v1');
    const loadBefore = load1();
    const head = await timeRuns(Math.max(100, runs * 20), () => client.headManifest('bench/artifact', 'v1'));
    // Each pull extracts into a fresh directory (as source-controller does); removal happens between runs, untimed.
    const phases: { manifestMs: number; layerMs: number; extractMs: number }[] = [];
    const pulls: number[] = [];
    for (let i = 0; i < Math.max(30, runs * 6); i++) {
      const out = join(shm, `artifact-${i}`);
      const [ms] = await timeRuns(1, async () => phases.push((await pullArtifact(ref, { output: out, client })).timings));
      pulls.push(ms!);
      await rm(out, { recursive: true, force: true });
    }
    results.perPull = {
      artifact: { files: 250, layerBytes: pushed.layer.size, digest: pushed.digest },
      manifestHeadP50Ms: +percentile(head, 50).toFixed(2), manifestHeadP90Ms: +percentile(head, 90).toFixed(2),
      pullP50Ms: +percentile(pulls, 50).toFixed(2), pullP90Ms: +percentile(pulls, 90).toFixed(2),
      phaseP50Ms: {
        manifest: +percentile(phases.map((p) => p.manifestMs), 50).toFixed(2),
        layer: +percentile(phases.map((p) => p.layerMs), 50).toFixed(2),
        extract: +percentile(phases.map((p) => p.extractMs), 50).toFixed(2),
      },
      samples: { head: head.length, pulls: pulls.length },
      loadBefore, loadAfter: load1(),
    };
  } finally {
    await client.close();
    await reg.stop();
    await rm(work, { recursive: true, force: true });
    await rm(shm, { recursive: true, force: true });
  }
  console.log(JSON.stringify(results, null, 2));
}

await main();
