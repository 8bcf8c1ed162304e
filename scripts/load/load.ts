/**
 * `npm run load`: a bounded load test of ocilab's two servers as users run them, each the
 * built CLI (dist/cli.js) in its own process on a free 127.0.0.1 port:
 *
 *  - `ocilab registry serve --dir <tmp>`: C concurrent clients, each R rounds of push (random
 *    layer + config blob, monolithic POST/PUT upload, manifest PUT) then pull (manifest GET,
 *    every blob GET, sha256 of every byte checked against its digest). Plain HTTP with undici,
 *    independent of ocilab's own OCI client.
 *  - `ocilab git serve --dir <tmp>` (read-only, the default) serving the `small` fixture: C
 *    concurrent clients, each R rounds of the real git CLI alternating `git clone --depth 1`
 *    (HEAD must be the fixture's commit; git's index-pack checks every object's hash) and
 *    `git ls-remote` (must list that commit).
 *
 * Per server: clients, operations, HTTP requests (the server's own /_ocilab/stats), bytes
 * verified, errors, p50/p99 latency (registry: per HTTP request; git: per git command), the
 * server process's VmRSS before and after (/proc/<pid>/status). Prints a Markdown table; exits
 * 1 on any error or when the whole run exceeds its time budget, 2 on bad usage.
 *
 * Bounded: counts are fixed (no open-ended loop), the whole run has a deadline (default 110 s),
 * every address is 127.0.0.1. Options: --registry-clients N (32), --registry-rounds N (16),
 * --git-clients N (32), --git-rounds N (8), --blob-kib N (512), --deadline-s N (110).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setMaxListeners } from 'node:events';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';

const execFileP = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repoRoot, 'dist', 'cli.js');

// ---------------------------------------------------------------------------- options

const OPTIONS = {
  'registry-clients': 32,
  'registry-rounds': 16,
  'git-clients': 32,
  'git-rounds': 8,
  'blob-kib': 512,
  'deadline-s': 110,
} as const;
type OptionName = keyof typeof OPTIONS;
const LIMITS: Record<OptionName, number> = { 'registry-clients': 64, 'registry-rounds': 50, 'git-clients': 32, 'git-rounds': 20, 'blob-kib': 16384, 'deadline-s': 600 };

function parseOptions(argv: string[]): Record<OptionName, number> {
  const o: Record<OptionName, number> = { ...OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.replace(/^--/, '') as OptionName;
    const value = Number(argv[i + 1]);
    if (!(name in OPTIONS) || !Number.isInteger(value) || value < 1 || value > LIMITS[name]) {
      throw new UsageError(`${argv[i]} ${argv[i + 1] ?? ''}: expected one of ${Object.keys(OPTIONS).map((k) => `--${k} 1..${LIMITS[k as OptionName]}`).join(', ')}`);
    }
    o[name] = value;
    i++;
  }
  return o;
}

class UsageError extends Error {}

// ---------------------------------------------------------------------------- measurement helpers

interface ServerUnderTest {
  child: ChildProcess;
  base: string;
  stop(): Promise<number | null>;
}

/** Start `node dist/cli.js <args>`; resolve once a stdout line matches `ready` (its first group is the base URL). */
async function startCli(args: string[], ready: RegExp, deadline: AbortSignal): Promise<ServerUnderTest> {
  const child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        child.stdout!.resume(); // keep draining the request log
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`ocilab ${args.join(' ')} exited ${code} before listening: ${err.trim()}`)));
    deadline.addEventListener('abort', () => reject(new Error(`ocilab ${args.join(' ')} did not start in time`)), { once: true });
  });
  return {
    child,
    base,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGINT');
      }),
  };
}

async function vmRssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Run `count` clients at once, each doing its own rounds in sequence. */
async function pool(count: number, work: (i: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, i) => work(i)));
}

interface Tally {
  server: string;
  clients: number;
  operations: number;
  bytesVerified: number;
  errors: string[];
  latencies: number[];
  latencyOf: string;
  requests?: number;
  rssBeforeKiB?: number;
  rssAfterKiB?: number;
  wallS?: number;
  exitCode?: number | null;
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

// ---------------------------------------------------------------------------- registry

async function loadRegistry(o: Record<OptionName, number>, deadline: AbortSignal, work: string): Promise<Tally> {
  const t: Tally = { server: 'registry (`ocilab registry serve --dir`)', clients: o['registry-clients'], operations: 0, bytesVerified: 0, errors: [], latencies: [], latencyOf: 'per HTTP request' };
  const server = await startCli(['registry', 'serve', '--port', '0', '--host', '127.0.0.1', '--quiet', '--dir', join(work, 'registry')], /registry listening on (http:\/\/127\.0\.0\.1:\d+)/, deadline);
  const agent = new Agent({ connections: o['registry-clients'], keepAliveTimeout: 10_000 });
  try {
    t.rssBeforeKiB = await vmRssKiB(server.child.pid!);
    const started = performance.now();
    const http = async (method: 'GET' | 'PUT' | 'POST' | 'HEAD', path: string, body?: Buffer, headers: Record<string, string> = {}) => {
      const at = performance.now();
      const res = await request(new URL(path, server.base), { method, body, headers, dispatcher: agent, signal: deadline });
      const data = Buffer.from(await res.body.arrayBuffer());
      t.latencies.push(performance.now() - at);
      return { status: res.statusCode, headers: res.headers, data };
    };
    const expect = (what: string, got: number, want: number) => {
      if (got !== want) throw new Error(`${what}: HTTP ${got}, expected ${want}`);
    };
    const pushBlob = async (repo: string, blob: Buffer): Promise<string> => {
      const digest = sha256(blob);
      const start = await http('POST', `/v2/${repo}/blobs/uploads/`);
      expect(`POST ${repo} upload`, start.status, 202);
      const location = String(start.headers['location']);
      const put = new URL(location, server.base);
      put.searchParams.set('digest', digest);
      const done = await http('PUT', put.pathname + put.search, blob, { 'content-type': 'application/octet-stream', 'content-length': String(blob.length) });
      expect(`PUT ${repo} blob`, done.status, 201);
      return digest;
    };
    await pool(o['registry-clients'], async (c) => {
      const repo = `load/client-${c}`;
      for (let r = 0; r < o['registry-rounds'] && !deadline.aborted; r++) {
        try {
          const layer = randomBytes(o['blob-kib'] * 1024 - (c % 7) * 1024); // sizes differ a little per client
          const config = Buffer.from(JSON.stringify({ client: c, round: r, nonce: randomBytes(8).toString('hex') }));
          const layerDigest = await pushBlob(repo, layer);
          const configDigest = await pushBlob(repo, config);
          const manifest = Buffer.from(
            JSON.stringify({
              schemaVersion: 2,
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              artifactType: 'application/vnd.ocilab.load.v1',
              config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: configDigest, size: config.length },
              layers: [{ mediaType: 'application/octet-stream', digest: layerDigest, size: layer.length }],
            }),
          );
          const tag = `r${r}`;
          const putManifest = await http('PUT', `/v2/${repo}/manifests/${tag}`, manifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
          expect(`PUT ${repo}:${tag}`, putManifest.status, 201);
          // pull: manifest by tag, then every blob it names, each checked against its digest
          const got = await http('GET', `/v2/${repo}/manifests/${tag}`, undefined, { accept: 'application/vnd.oci.image.manifest.v1+json' });
          expect(`GET ${repo}:${tag}`, got.status, 200);
          if (sha256(got.data) !== sha256(manifest)) throw new Error(`${repo}:${tag}: manifest bytes differ from what was pushed`);
          t.bytesVerified += got.data.length;
          const m = JSON.parse(got.data.toString('utf8')) as { config: { digest: string; size: number }; layers: { digest: string; size: number }[] };
          for (const d of [m.config, ...m.layers]) {
            const blob = await http('GET', `/v2/${repo}/blobs/${d.digest}`);
            expect(`GET ${repo} blob`, blob.status, 200);
            if (blob.data.length !== d.size || sha256(blob.data) !== d.digest) throw new Error(`${repo} blob ${d.digest}: ${blob.data.length} bytes whose sha256 does not match`);
            t.bytesVerified += blob.data.length;
          }
          t.operations += 1;
        } catch (err) {
          t.errors.push(`registry client ${c} round ${r}: ${(err as Error).message}`);
        }
      }
    });
    t.wallS = (performance.now() - started) / 1000;
    t.requests = await settledRequests(server.base, t.latencies.length, agent);
    if (t.requests !== t.latencies.length) t.errors.push(`the registry counted ${t.requests} requests, the clients sent ${t.latencies.length}`);
    t.rssAfterKiB = await vmRssKiB(server.child.pid!);
  } finally {
    await agent.close();
    t.exitCode = await server.stop();
  }
  return t;
}

async function statsOf(base: string, agent?: Agent): Promise<{ requests: number; bytesOut: number }> {
  const res = await request(new URL('/_ocilab/stats', base), { ...(agent ? { dispatcher: agent } : {}) });
  return (await res.body.json()) as { requests: number; bytesOut: number };
}

/**
 * The server's request count once it has accounted the last answers: a server counts a request
 * when its response has closed, which can come a moment after the client has read the body.
 * At most 20 reads, 100 ms apart.
 */
async function settledRequests(base: string, expected: number, agent?: Agent): Promise<number> {
  let n = 0;
  for (let i = 0; i < 20; i++) {
    n = (await statsOf(base, agent)).requests;
    if (n >= expected) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return n;
}

// ---------------------------------------------------------------------------- git

async function loadGit(o: Record<OptionName, number>, deadline: AbortSignal, work: string): Promise<Tally> {
  const t: Tally = { server: 'Git (`ocilab git serve`, read-only)', clients: o['git-clients'], operations: 0, bytesVerified: 0, errors: [], latencies: [], latencyOf: 'per git command' };
  const fixtures = join(work, 'fixtures');
  const created = await execFileP(process.execPath, [cli, 'fixtures', 'create', 'small', '--dir', fixtures], { signal: deadline });
  const head = /branch main at ([0-9a-f]{40})/.exec(created.stdout)?.[1];
  if (!head) throw new Error(`fixtures create gave no head: ${created.stdout}`);
  const server = await startCli(['git', 'serve', '--port', '0', '--host', '127.0.0.1', '--dir', fixtures], /on (http:\/\/127\.0\.0\.1:\d+)/, deadline);
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  const url = `${server.base}/small.git`;
  try {
    t.rssBeforeKiB = await vmRssKiB(server.child.pid!);
    const started = performance.now();
    const git = async (args: string[]) => {
      const at = performance.now();
      const r = await execFileP('git', ['-c', 'protocol.version=2', ...args], { env, signal: deadline, maxBuffer: 1 << 20 });
      t.latencies.push(performance.now() - at);
      return r.stdout;
    };
    await pool(o['git-clients'], async (c) => {
      for (let r = 0; r < o['git-rounds'] && !deadline.aborted; r++) {
        try {
          if ((c + r) % 2 === 0) {
            const dir = join(work, 'clones', `c${c}-r${r}`);
            await git(['clone', '--quiet', '--depth', '1', '--single-branch', '--branch', 'main', '--no-tags', url, dir]);
            const got = (await git(['-C', dir, 'rev-parse', 'HEAD'])).trim();
            t.latencies.pop(); // rev-parse is local, not a server operation
            if (got !== head) throw new Error(`clone HEAD ${got}, expected ${head}`);
            const pack = join(dir, '.git', 'objects', 'pack');
            for (const f of await readdir(pack)) {
              if (!f.endsWith('.pack')) continue;
              const { size } = await stat(join(pack, f)); // not `t.bytesVerified += (await …)`: that reads the total before the await
              t.bytesVerified += size; // index-pack hashed every object of it
            }
            await rm(dir, { recursive: true, force: true });
          } else {
            const listed = await git(['ls-remote', '--exit-code', url, 'refs/heads/main']);
            if (!listed.startsWith(`${head}\trefs/heads/main`)) throw new Error(`ls-remote listed ${JSON.stringify(listed.trim())}, expected ${head}`);
          }
          t.operations += 1;
        } catch (err) {
          t.errors.push(`git client ${c} round ${r}: ${(err as Error).message.trim().split('\n').pop()}`);
        }
      }
    });
    t.wallS = (performance.now() - started) / 1000;
    t.requests = (await statsOf(server.base)).requests;
    t.rssAfterKiB = await vmRssKiB(server.child.pid!);
  } finally {
    t.exitCode = await server.stop();
  }
  return t;
}

// ---------------------------------------------------------------------------- report

const mib = (kib?: number) => (kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`);
const bytes = (b: number) => (b >= 1048576 ? `${(b / 1048576).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`);

function table(rows: Tally[]): string {
  const lines = [
    '| server | clients | operations | HTTP requests | bytes verified | errors | p50 | p99 | server RSS before → after | wall |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const t of rows) {
    const sorted = [...t.latencies].sort((a, b) => a - b);
    lines.push(
      `| ${t.server} | ${t.clients} | ${t.operations} | ${t.requests ?? 'n/a'} | ${bytes(t.bytesVerified)} | ${t.errors.length} | ${percentile(sorted, 50).toFixed(1)} ms | ${percentile(sorted, 99).toFixed(1)} ms | ${mib(t.rssBeforeKiB)} → ${mib(t.rssAfterKiB)} | ${t.wallS?.toFixed(1) ?? 'n/a'} s |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    process.stdout.write(
      `npm run load [-- options]: bounded load test of \`ocilab registry serve\` and \`ocilab git serve\` on 127.0.0.1\n` +
        Object.entries(OPTIONS).map(([k, v]) => `  --${k} N   default ${v}, at most ${LIMITS[k as OptionName]}\n`).join(''),
    );
    return 0;
  }
  let o: Record<OptionName, number>;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`load: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  try {
    await stat(cli);
  } catch {
    process.stderr.write(`load: ${cli} is missing: run \`npm run build\` (npm run load does)\n`);
    return 2;
  }
  const deadline = AbortSignal.timeout(o['deadline-s'] * 1000);
  setMaxListeners(256, deadline); // every client's request or git command listens to it
  const work = await mkdtemp(join(tmpdir(), 'ocilab-load-'));
  const load0 = loadavg()[0]!;
  const started = performance.now();
  const rows: Tally[] = [];
  const failures: string[] = [];
  try {
    for (const run of [loadRegistry, loadGit]) {
      try {
        rows.push(await run(o, deadline, work));
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const total = (performance.now() - started) / 1000;
  const { stdout: gitVersion } = await execFileP('git', ['--version']);
  console.log(table(rows));
  console.log('');
  console.log(
    `Latency: registry per HTTP request (push: POST+PUT per blob, manifest PUT; pull: manifest GET, blob GETs), Git per git command (clone --depth 1 or ls-remote, the git client's whole run). ` +
      `Every pulled blob's sha256 was checked; every clone's HEAD was the fixture's commit (git's index-pack hashes every object; bytes verified = the packs received). ` +
      `RSS = VmRSS of the server's node process (git http-backend children not included). ` +
      `${o['registry-clients']}×${o['registry-rounds']} registry rounds of ${o['blob-kib']} KiB layers, ${o['git-clients']}×${o['git-rounds']} git commands on the \`small\` fixture; 127.0.0.1 only.`,
  );
  console.log(`Run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${total.toFixed(1)} s in all, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), load average ${load0.toFixed(2)} at the start and ${loadavg()[0]!.toFixed(2)} at the end, Node ${process.version}, ${gitVersion.trim()}.`);
  for (const t of rows) {
    if (t.exitCode !== 0 && t.exitCode !== 130) failures.push(`${t.server} exited ${t.exitCode} on Ctrl-C (SIGINT), not 0 or 130`);
    for (const e of t.errors.slice(0, 10)) failures.push(e);
    if (t.errors.length > 10) failures.push(`… ${t.errors.length - 10} more errors from ${t.server}`);
  }
  if (deadline.aborted) failures.push(`the run hit its ${o['deadline-s']} s deadline (--deadline-s): not every operation ran`);
  for (const f of failures) process.stderr.write(`load: error: ${f}\n`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
