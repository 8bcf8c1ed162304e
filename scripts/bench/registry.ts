/**
 * Benchmark: serve one 100 MiB blob to `curl -o /dev/null` over loopback from the embedded
 * registry and from the CNCF distribution registry (Debian `docker-registry`), in the same
 * run, alternating, median of 5 after one warm-up each. Prints both and the ratio.
 *
 *   npx tsx scripts/bench/registry.ts [--size-mib 100] [--runs 5]
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

const exec = promisify(execFile);
const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SIZE = flag('--size-mib', 100) * 1024 * 1024;
const RUNS = flag('--runs', 5);
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

/** CPU seconds (user+system) a process has used so far, from /proc (Linux). */
async function procCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ ticks (100/s)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
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
    const targets = [
      { name: 'embedded (ocilab)', url: `${embeddedBase}/v2/${REPO}/blobs/${digest}`, pid: embedded.child.pid!, times: [] as number[], cpu: [] as number[] },
      { name: 'distribution (docker-registry)', url: `${distBase}/v2/${REPO}/blobs/${digest}`, pid: distribution.child.pid!, times: [] as number[], cpu: [] as number[] },
    ];
    for (const t of targets) await curlOnce(t.url); // warm-up: page cache, connection paths
    for (let i = 0; i < RUNS; i++) {
      for (const t of targets) {
        const cpu0 = await procCpuSeconds(t.pid);
        t.times.push(await curlOnce(t.url));
        t.cpu.push((await procCpuSeconds(t.pid)) - cpu0);
      }
    }

    const version = (await exec('dpkg-query', ['-W', '-f=${Version}', 'docker-registry']).catch(() => ({ stdout: '?' }))).stdout;
    const cpuModel = cpus()[0]?.model ?? 'unknown';
    console.log(`machine: nproc=${cpus().length}, cpu="${cpuModel}", node ${process.version}, docker-registry ${version}`);
    console.log(`blob: ${SIZE / 1024 / 1024} MiB random, served to curl -o /dev/null over 127.0.0.1; median of ${RUNS} after 1 warm-up, alternating`);
    for (const t of targets) {
      console.log(
        `${t.name.padEnd(32)} median ${median(t.times).toFixed(3)} s = ${mibps(median(t.times)).toFixed(0)} MiB/s, server CPU ${median(t.cpu).toFixed(2)} s   runs: ${t.times.map((x) => x.toFixed(3)).join(' ')}`,
      );
    }
    const ratio = median(targets[1]!.times) / median(targets[0]!.times);
    console.log(`ratio embedded/distribution throughput: ${ratio.toFixed(2)} (goal ≥ 0.80)`);
    const load = (await readFile('/proc/loadavg', 'utf8').catch(() => '?')).split(' ').slice(0, 3).join(' ');
    console.log(`load average during the run: ${load} (other work on the machine skews wall-clock figures)`);
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${(err as Error).message}`);
  process.exitCode = 1;
});
