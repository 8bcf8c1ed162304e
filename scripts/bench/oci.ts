/**
 * `npm run bench:oci`: ocilab's OCI client against the CNCF distribution registry (2.8) on
 * loopback, same run, same blobs.
 *   1. 100 MiB blob: ocilab pull (digest verified, bytes discarded / written to tmpfs) vs
 *      `curl -o /dev/null`, median of N runs each, interleaved; ratio of throughputs. Plain
 *      undici (no verification) is measured too, as the floor for any Node client.
 *   2. 1 GiB blob pulled in a child process (plain node on dist/): peak RSS.
 *   3. Per-pull overhead with one kept-alive client: manifest HEAD p50, and manifest + layer +
 *      safe extract of a 250-file artifact to tmpfs p50.
 * Options: --runs N (default 5), --skip-1g. Prints the figures as JSON.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { RegistryClient } from '../../src/oci/client.js';
import { pullArtifact, pushArtifact } from '../../src/oci/remote.js';
import { startRegistry } from '../../test/oci/registry-peers.js';
import { mib, percentile, timeRuns } from './oci-stats.js';

const run = promisify(execFile);
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 0) || 5;
const skip1g = args.includes('--skip-1g');
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
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, memGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, load: (await import('node:os')).loadavg()[0] },
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
      const { stream } = await client.openBlob('bench/blob', digest, { size });
      await pipeline(stream, new Writable({ write(_c, _e, cb) { cb(); } }));
    };
    const toShm = async (): Promise<void> => {
      await client.downloadBlob('bench/blob', digest, join(shm, 'blob'), { size });
      await rm(join(shm, 'blob'));
    };
    // The floor for any Node client: undici with no hashing, no file (tells transport cost from verification cost).
    const rawAgent = new Agent({ keepAliveTimeout: 30_000 });
    const rawUndici = async (): Promise<void> => {
      const res = await request(url, { dispatcher: rawAgent });
      for await (const _chunk of res.body) {
        // discard
      }
    };
    const curl = async (): Promise<void> => {
      await run('curl', ['-sSf', '-o', '/dev/null', url]);
    };
    await discard();
    await curl(); // warm page cache and connections
    const t = { curl: [] as number[], raw: [] as number[], discard: [] as number[], shm: [] as number[] };
    for (let i = 0; i < runs; i++) {
      t.curl.push(...(await timeRuns(1, curl)));
      t.raw.push(...(await timeRuns(1, rawUndici)));
      t.discard.push(...(await timeRuns(1, discard)));
      t.shm.push(...(await timeRuns(1, toShm)));
    }
    const med = (xs: number[]): number => percentile(xs, 50);
    const mbps = (ms: number): number => size / 2 ** 20 / (ms / 1000);
    results.blob100MiB = {
      runs,
      curlMs: +med(t.curl).toFixed(1), curlMiBps: +mbps(med(t.curl)).toFixed(0),
      undiciNoVerifyMs: +med(t.raw).toFixed(1), undiciNoVerifyMiBps: +mbps(med(t.raw)).toFixed(0),
      ratioUndiciNoVerify: +(med(t.curl) / med(t.raw)).toFixed(2),
      ocilabDiscardMs: +med(t.discard).toFixed(1), ocilabDiscardMiBps: +mbps(med(t.discard)).toFixed(0),
      ocilabTmpfsMs: +med(t.shm).toFixed(1), ocilabTmpfsMiBps: +mbps(med(t.shm)).toFixed(0),
      ratioDiscard: +(med(t.curl) / med(t.discard)).toFixed(2),
      ratioTmpfs: +(med(t.curl) / med(t.shm)).toFixed(2),
    };
    await rm(blobFile);
    await rawAgent.close();

    // 2. 1 GiB blob, pulled by a separate process: peak RSS
    if (!skip1g) {
      const gsize = 1024 * 1024 * 1024;
      const gfile = join(work, 'blob1g');
      const gdigest = await writeRandomFile(gfile, gsize);
      await client.pushBlob('bench/big', { path: gfile, digest: gdigest, size: gsize });
      await rm(gfile);
      // Plain node on the built dist/ (npm run bench:oci builds first): no TypeScript loader in the figure.
      const child = join(import.meta.dirname, 'oci-pull-child.mjs');
      const r = await run(process.execPath, [child, reg.host, 'bench/big', gdigest, String(gsize), '-'], { maxBuffer: 1 << 20 });
      const parsed = JSON.parse(r.stdout) as { bytes: number; ms: number; maxRssBytes: number; rssBeforeBytes: number };
      results.blob1GiB = {
        bytes: parsed.bytes, ms: +parsed.ms.toFixed(0), MiBps: +mbps(parsed.ms * (size / gsize)).toFixed(0),
        rssBeforePullMiB: +mib(parsed.rssBeforeBytes), peakRssMiB: +mib(parsed.maxRssBytes),
      };
    }

    // 3. per-pull overhead, one kept-alive client
    const src = join(work, 'src');
    for (let i = 0; i < 250; i++) {
      const dir = join(src, `app${i % 10}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `cm-${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  key: "${randomBytes(96).toString('hex')}"\n`);
    }
    const ref = `oci://${reg.host}/bench/artifact:v1`;
    const pushed = await pushArtifact(ref, { path: src, source: 'bench', revision: 'main@sha1:0', reproducible: true, client });
    await client.headManifest('bench/artifact', 'v1');
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
