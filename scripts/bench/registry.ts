/**
 * Benchmark: serve one 100 MiB blob to `curl -o /dev/null` over loopback from the embedded
 * registry and from the CNCF distribution registry (Debian `docker-registry`), in the same
 * run, alternating, 9 rounds after one warm-up each. Prints medians (min-max), the per-round
 * throughput ratio, each server's CPU ms per MiB (thread schedstat, ns) and the load average.
 *
 *   npx tsx scripts/bench/registry.ts [--size-mib 100] [--runs 9]
 *
 * Needs curl and docker-registry on PATH (scripts/ci/install-registry.sh). Not a test: no
 * assertions, figures go to docs/registry.md with the machine they were taken on.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { load1, procCpuNs, summary } from './oci-stats.js';

const exec = promisify(execFile);
const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SIZE = flag('--size-mib', 100) * 1024 * 1024;
const RUNS = flag('--runs', 9);
const REPO = 'bench/blob';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function makeBlob(path: string): Promise<string> {
  const hash = createHash('sha256');
  const fh = await open(path, 'w');
  const chunk = 4 * 1024 * 1024;
  for (let done = 0; done < SIZE; done += chunk) {
    const buf = randomBytes(Math.min(chunk, SIZE - done));
    hash.update(buf);
    await fh.write(buf);
  }
  await fh.close();
  return `sha256:${hash.digest('hex')}`;
}

/** POST for a session, then one streamed PUT: works on both registries. */
async function upload(base: string, file: string, digest: string): Promise<void> {
  const post = await fetch(`${base}/v2/${REPO}/blobs/uploads/`, { method: 'POST' });
  if (post.status !== 202) throw new Error(`${base}: POST upload → ${post.status} ${await post.text()}`);
  const loc = new URL(post.headers.get('location')!, base);
  loc.searchParams.set('digest', digest);
  const put = await fetch(loc, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(SIZE) },
    body: createReadStream(file) as unknown as RequestInit["body"],
    duplex: 'half',
  } as RequestInit);
  if (put.status !== 201) throw new Error(`${base}: PUT upload → ${put.status} ${await put.text()}`);
}

const ROOT = join(fileURLToPath(import.meta.url), '../../..');

/** Start a server process, collecting its output for error messages. */
function startServer(cmd: string, argv: string[]): { child: ChildProcess; log: () => string } {
  let out = '';
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, log: () => out };
}

async function waitFor(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${child.spawnfile} exited: ${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not answer on ${url}: ${log()}`);
}

/** One curl download; returns seconds. */
async function curlOnce(url: string): Promise<number> {
  const { stdout } = await exec('curl', ['-sS', '--fail', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', url]);
  const [time, size] = stdout.trim().split(' ').map(Number) as [number, number];
  if (size !== SIZE) throw new Error(`${url}: downloaded ${size} bytes, expected ${SIZE}`);
  return time;
}

const mibps = (s: number) => SIZE / 1024 / 1024 / s;

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'ocilab-bench-'));
  const servers: ChildProcess[] = [];
  const cleanup = async () => {
    for (const s of servers) s.kill('SIGTERM');
    await rm(work, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const file = join(work, 'blob.bin');
    const digest = await makeBlob(file);

    const port = await freePort();
    const config = join(work, 'distribution.yml');
    await writeFile(
      config,
      ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(work, 'distribution')}`, 'http:', `  addr: 127.0.0.1:${port}`, ''].join('\n'),
    );
    const distribution = startServer('docker-registry', ['serve', config]);
    servers.push(distribution.child);
    const distBase = `http://127.0.0.1:${port}`;
    await waitFor(`${distBase}/v2/`, distribution.child, distribution.log);

    // The embedded registry in its own process too, as `ocilab registry serve` runs it, so
    // both servers' CPU is read the same way and the benchmark driver's work is not counted.
    const ePort = await freePort();
    const serve = `import('./src/commands/registry.ts').then((m) => m.registryCommand().parseAsync(['node', 'ocilab', 'serve', '--quiet', '--port', '${ePort}', '--dir', ${JSON.stringify(join(work, 'embedded'))}]))`;
    const embedded = startServer(process.execPath, ['--import', 'tsx', '-e', serve]);
    servers.push(embedded.child);
    const embeddedBase = `http://127.0.0.1:${ePort}`;
    await waitFor(`${embeddedBase}/v2/`, embedded.child, embedded.log);

    await upload(embeddedBase, file, digest);
    await upload(distBase, file, digest);
    type Target = { name: string; url: string; pid: number; times: number[]; cpu: number[]; load: number[] };
    const targets: Target[] = [
      { name: 'embedded (ocilab)', url: `${embeddedBase}/v2/${REPO}/blobs/${digest}`, pid: embedded.child.pid!, times: [], cpu: [], load: [] },
      { name: 'distribution (docker-registry)', url: `${distBase}/v2/${REPO}/blobs/${digest}`, pid: distribution.child.pid!, times: [], cpu: [], load: [] },
    ];
    for (const t of targets) await curlOnce(t.url); // warm-up: page cache, connection paths
    // Rounds alternate which server goes first, so a burst of outside load hits both alike.
    for (let i = 0; i < RUNS; i++) {
      for (const t of i % 2 ? [...targets].reverse() : targets) {
        t.load.push(load1());
        const cpu0 = await procCpuNs(t.pid);
        t.times.push(await curlOnce(t.url));
        t.cpu.push((await procCpuNs(t.pid)) - cpu0);
      }
    }

    const version = (await exec('dpkg-query', ['-W', '-f=${Version}', 'docker-registry']).catch(() => ({ stdout: '?' }))).stdout;
    const cpuModel = cpus()[0]?.model ?? 'unknown';
    const sizeMiB = SIZE / 2 ** 20;
    const fmt = (x: { median: number; min: number; max: number }, unit = '') => `${x.median}${unit} (${x.min}-${x.max})`;
    console.log(`machine: nproc=${cpus().length}, cpu="${cpuModel}", node ${process.version}, docker-registry ${version}`);
    console.log(`blob: ${sizeMiB} MiB random, served to curl -o /dev/null over 127.0.0.1; ${RUNS} rounds after 1 warm-up each, order alternating; median (min-max)`);
    for (const t of targets) {
      const wall = summary(t.times, 3);
      console.log(
        `${t.name.padEnd(32)} curl time ${fmt(wall, ' s')} = ${mibps(wall.median).toFixed(0)} MiB/s; server CPU ${fmt(summary(t.cpu.map((ns) => ns / 1e6 / sizeMiB)), ' ms/MiB')}`,
      );
    }
    const [emb, dist] = targets as [Target, Target];
    const ratio = summary(dist.times.map((d, i) => d / emb.times[i]!));
    const cpuRatio = summary(dist.cpu.map((d, i) => d / emb.cpu[i]!));
    console.log(`ratio embedded/distribution throughput, per round: ${fmt(ratio)} (goal ≥ 0.80)`);
    console.log(`ratio of server CPU per byte, distribution/embedded, per round: ${fmt(cpuRatio)} (> 1: the embedded registry spends less)`);
    console.log(`load average (1 min) during the rounds: ${fmt(summary([...emb.load, ...dist.load]))} on ${cpus().length} cores`);
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${(err as Error).message}`);
  process.exitCode = 1;
});
