/**
 * The fleet, measured: N simulated source-controllers poll ocilab's Git server and registry
 * (each in its own process behind a counting proxy, as in the side-by-side step) for a bounded
 * window, the poll interval compressed in proportion, with C changes pushed during the window.
 * Per transport: server CPU from /proc (Git: http-backend children included once reaped),
 * bytes and requests from the proxy, errors, check latency p50/p99, fetches, late polls; then
 * the projection formula (projection.ts) for the same N, interval and changes, from the same
 * operations measured one at a time before the window, and measured ÷ projected.
 *
 * Changes do not go through the measured servers: the commits (pushed into the bare repository
 * on disk) and their artifacts (pushed to a second registry, in this process, on the storage
 * directory the measured registry serves from) are made before the window; during it a change
 * is `git update-ref` of main and a re-tag of `latest` (one manifest PUT to the second registry).
 */
import { fork } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Pool, type Dispatcher } from 'undici';
import { makeTempDir } from '../engine/cleanup.js';
import { commitChange } from '../git/commit.js';
import { appName, createFixture, PRESETS as FIXTURES } from '../git/fixtures/index.js';
import { pushArtifact, tagArtifact } from '../oci/remote.js';
import { startRegistry } from '../registry/server.js';
import { gitCheck, gitFetch, ociCheck, ociFetch, type PollTarget } from './fleet-poll.js';
import type { FleetWorkerJob, FleetWorkerReport, TransportTally } from './fleet-worker.js';
import type { Preset } from './matrix.js';
import { projectFleet, type OpCost } from './projection.js';
import type { FleetReport, FleetTransport } from './report-schema.js';
import { startServerProcess, type MeteredServer } from './server-processes.js';
import { quantile } from './stats.js';
import { trafficDelta } from './traffic.js';
import type { TrafficCounters } from './types.js';

const run = promisify(execFile);

export interface FleetOptions {
  /** Simulated clusters per transport. */
  clusters: number;
  /** Length of the measured window, seconds. */
  windowSeconds: number;
  /** The compressed poll interval, seconds. */
  pollSeconds: number;
  /** The interval it stands for, minutes (Flux's spec.interval; for the real-pace figures). */
  intervalMinutes: number;
  /** Changes pushed during the window. */
  changes: number;
  /** Worker processes the pollers are spread over. */
  workers: number;
  preset: Preset;
  /** Checks and fetches measured one at a time (as one batch each) before the window, for the projection. */
  calibrationRuns: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** Seconds the servers' idle CPU is read over, before the window. */
const IDLE_SECONDS = 3;

export const FLEET_DEFAULTS = { windowSeconds: 30, pollSeconds: 10, intervalMinutes: 1, changes: 2, workers: 2, preset: 'small' as Preset, calibrationRuns: 30 };

export function checkFleetOptions(o: FleetOptions): void {
  const bad = (m: string) => {
    throw new Error(`fleet: ${m}`);
  };
  if (!Number.isInteger(o.clusters) || o.clusters < 1) bad(`clusters must be a whole number ≥ 1, got ${o.clusters}`);
  if (!(o.windowSeconds > 0) || o.windowSeconds > 600) bad(`the window must be > 0 and ≤ 600 seconds, got ${o.windowSeconds}`);
  if (!(o.pollSeconds > 0) || o.pollSeconds > o.windowSeconds) bad(`the poll interval must be > 0 and ≤ the window (${o.windowSeconds} s), got ${o.pollSeconds}`);
  if (!(o.intervalMinutes > 0)) bad(`the interval must be > 0 minutes, got ${o.intervalMinutes}`);
  if (!Number.isInteger(o.changes) || o.changes < 0) bad(`changes must be a whole number ≥ 0, got ${o.changes}`);
  // every poller must see every change: changes at least one interval apart, the last one
  // an interval before the end
  if (o.changes > 0 && o.windowSeconds / o.changes < o.pollSeconds * 1.5) {
    bad(`${o.changes} changes in ${o.windowSeconds} s with a ${o.pollSeconds} s interval: changes must be ≥ 1.5 intervals apart (fewer changes or a longer window)`);
  }
  if (!Number.isInteger(o.workers) || o.workers < 1 || o.workers > 8) bad(`workers must be 1–8, got ${o.workers}`);
}

function workerEntry(): { file: string; execArgv: string[] } {
  const url = new URL(import.meta.url);
  const ts = url.pathname.endsWith('.ts');
  return { file: fileURLToPath(new URL(`./fleet-worker-main.${ts ? 'ts' : 'js'}`, url)), execArgv: ts ? ['--import', 'tsx'] : [] };
}

interface Worker {
  /** Resolves once the process has loaded and waits for its job. */
  ready: Promise<void>;
  start(job: FleetWorkerJob): void;
  done: Promise<FleetWorkerReport>;
  /** Ends the process if it still runs. */
  stop(): void;
}

/** Fork a worker process; `start` hands it its job, `done` brings its report. */
function forkWorker(signal?: AbortSignal): Worker {
  const { file, execArgv } = workerEntry();
  const child = fork(file, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const kill = () => child.kill('SIGTERM');
  signal?.addEventListener('abort', kill, { once: true });
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const done = new Promise<FleetWorkerReport>((resolve, reject) => {
    child.on('message', (m: { ready?: true; report?: FleetWorkerReport; error?: string }) => {
      if (m.ready) onReady();
      else if (m.report) resolve(m.report);
      else if (m.error) reject(new Error(`fleet worker: ${m.error}`));
    });
    child.once('exit', (code) => {
      signal?.removeEventListener('abort', kill);
      reject(new Error(`fleet worker exited (${code}) before reporting`));
    });
    child.once('error', reject);
  });
  // a worker that fails before anyone awaits `done` must not be an unhandled rejection
  done.catch(() => undefined);
  return {
    ready: Promise.race([ready, done.then(() => undefined)]),
    start: (job) => child.send(job),
    done,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

async function metered<T>(server: MeteredServer, work: () => Promise<T>): Promise<TrafficCounters> {
  const before = await server.meter.read();
  await work();
  await new Promise((r) => setImmediate(r));
  return trafficDelta(before, await server.meter.read());
}

/**
 * Cost of one operation: `runs` of them one after another (after a warm-up), metered as one
 * batch, divided by `runs`. Not a median of single readings: the Git server's CPU includes its
 * reaped http-backend children, which /proc reports in 10 ms clock ticks, so one check reads
 * ~5 ms of node plus 0, 10 or 20 ms of children, and a median of such readings is biased
 * (by +40 % for a check in a test here); a batch total is not.
 * `fresh`: each operation on a new connection, as a fleet's checks are (a poll interval is
 * longer than the servers' keep-alive, 5 s for node's http server, so every poll connects
 * anew); a fetch follows its check on the check's connection, so fetches reuse one.
 */
async function calibrate(server: MeteredServer, origin: string, runs: number, fresh: boolean, op: (d: Dispatcher) => Promise<unknown>): Promise<OpCost> {
  const shared = new Pool(origin);
  const once = async () => {
    if (!fresh) return op(shared);
    const own = new Pool(origin);
    try {
      return await op(own);
    } finally {
      await own.close();
    }
  };
  try {
    await once();
    const d = await metered(server, async () => {
      for (let i = 0; i < runs; i++) await once();
    });
    const per = (x: number | null) => (x === null ? null : x / runs);
    return { bytesDown: per(d.bytesDown), bytesUp: per(d.bytesUp), serverCpuMs: per(d.serverCpuMs), requests: per(d.requests) };
  } finally {
    await shared.close();
  }
}

const merge = (a: TransportTally, b: TransportTally): TransportTally => ({
  checks: a.checks + b.checks,
  fetches: a.fetches + b.fetches,
  requests: a.requests + b.requests,
  errors: a.errors + b.errors,
  errorSamples: [...a.errorSamples, ...b.errorSamples].slice(0, 5),
  checkMs: [...a.checkMs, ...b.checkMs],
  late: a.late + b.late,
  maxLagMs: Math.max(a.maxLagMs, b.maxLagMs),
});

const ratio = (m: number | null, p: number | null) => (m === null || p === null || p === 0 ? null : m / p);

/** How the simulated clients were run, for the output. */
export function clientsDescription(o: Pick<FleetOptions, 'clusters' | 'workers'>): string {
  return (
    `${o.clusters} Git + ${o.clusters} OCI pollers in ${o.workers} forked node process${o.workers === 1 ? '' : 'es'} ` +
    `(undici, one pool per server, up to one connection per poller); Git as go-git: GET info/refs?service=git-upload-pack ` +
    `without Git-Protocol (v0), on a change a depth-1 single-branch fetch (advertisement + one upload-pack POST, pack checksum verified); ` +
    `OCI: manifest HEAD on the tag, on a new digest GET manifest + layer, digests verified`
  );
}

export async function runFleet(o: FleetOptions): Promise<FleetReport> {
  checkFleetOptions(o);
  const log = o.log ?? (() => undefined);
  const temp = makeTempDir('ocilab-fleet-');
  const closers: (() => Promise<void>)[] = [];
  try {
    const fixtures = join(temp.path, 'fixtures');
    const storage = join(temp.path, 'registry');
    const tree = join(temp.path, 'tree');
    await mkdir(fixtures);
    const fx = await createFixture(FIXTURES[o.preset], { dir: fixtures, signal: o.signal });
    const bare = join(fixtures, `${o.preset}.git`);
    log(`fixture ${o.preset}: ${fx.files} files, pack ${fx.packBytes} B`);
    // the writer: a registry in this process on the storage the measured registry reads
    const ac = new AbortController();
    const writer = await startRegistry({ port: 0, dir: storage, signal: ac.signal });
    closers.push(async () => {
      ac.abort();
      await writer.close();
    });
    const repository = `fleet/${o.preset}`;
    const writerRef = (tag: string) => `oci://${new URL(writer.url).host}/${repository}:${tag}`;
    /** The artifact of main's tree, as `flux push artifact` makes it, under `tag`. */
    const publish = async (tag: string) => {
      await run('sh', ['-c', 'rm -rf "$2" && mkdir -p "$2" && git --git-dir="$1" archive main | tar -x -C "$2"', 'sh', bare, tree]);
      const { stdout } = await run('git', ['--git-dir', bare, 'rev-parse', 'main']);
      const sha = stdout.trim();
      await pushArtifact(writerRef(tag), { path: tree, source: bare, revision: `main@sha1:${sha}`, signal: o.signal });
      return sha;
    };
    // the changes are made before the window (commits and artifacts); during it only the branch
    // and the tag move, so the window's CPU is the fleet's
    const initial = await publish('initial');
    const prepared: { sha: string; tag: string }[] = [];
    for (let j = 0; j < o.changes; j++) {
      await commitChange({ url: bare, app: appName(j % FIXTURES[o.preset].apps), change: 'config', message: `fleet change ${j + 1}`, signal: o.signal });
      prepared.push({ sha: await publish(`change-${j + 1}`), tag: `change-${j + 1}` });
    }
    const moveTo = async (sha: string, tag: string) => {
      await run('git', ['--git-dir', bare, 'update-ref', 'refs/heads/main', sha]);
      await tagArtifact(writerRef(tag), 'latest', { signal: o.signal });
    };
    await moveTo(initial, 'initial');
    const git = await startServerProcess('git', fixtures, o.signal);
    closers.push(git.stop);
    const registry = await startServerProcess('registry', storage, o.signal);
    closers.push(registry.stop);
    const targets: { git: PollTarget; oci: PollTarget } = {
      git: { kind: 'git', repo: `/${o.preset}.git`, ref: 'refs/heads/main' },
      oci: { kind: 'oci', repo: repository, ref: 'latest' },
    };
    const origins = { git: git.url, oci: `http://${registry.hostPort}` };
    const pools = { git: new Pool(origins.git), oci: new Pool(origins.oci) };
    closers.push(async () => void (await Promise.all([pools.git.close(), pools.oci.close()])));
    const known = { git: (await gitCheck(pools.git, targets.git)).revision, oci: await ociCheck(pools.oci, targets.oci) };

    log(`calibrating: ${o.calibrationRuns} checks (each on a new connection) and ${o.calibrationRuns} fetches per transport, one at a time, metered as batches`);
    const cost = {
      git: {
        check: await calibrate(git, origins.git, o.calibrationRuns, true, (d) => gitCheck(d, targets.git)),
        fetch: await calibrate(git, origins.git, o.calibrationRuns, false, (d) => gitFetch(d, targets.git, known.git)),
      },
      oci: {
        check: await calibrate(registry, origins.oci, o.calibrationRuns, true, (d) => ociCheck(d, targets.oci)),
        fetch: await calibrate(registry, origins.oci, o.calibrationRuns, false, (d) => ociFetch(d, targets.oci, known.oci)),
      },
    };

    // each server's CPU with nobody polling: the formula has no such term, so it is measured
    // and taken out of the measured figure before the ratio
    const idle0 = { git: await git.meter.read(), oci: await registry.meter.read() };
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const idle1 = { git: await git.meter.read(), oci: await registry.meter.read() };
    const idleRate = (k: 'git' | 'oci') => {
      const d = trafficDelta(idle0[k], idle1[k]).serverCpuMs;
      return d === null ? null : Math.max(0, d) / IDLE_SECONDS;
    };

    // the pollers: evenly spread over the interval, alternating over the workers
    const intervalMs = o.pollSeconds * 1000;
    const workerCount = Math.min(o.workers, o.clusters);
    const pollers: FleetWorkerJob['pollers'][] = Array.from({ length: workerCount }, () => []);
    for (let i = 0; i < o.clusters; i++) {
      const offsetMs = (i / o.clusters) * intervalMs;
      pollers[i % workerCount]!.push({ kind: 'git', offsetMs }, { kind: 'oci', offsetMs });
    }
    const workers = pollers.map(() => forkWorker(o.signal));
    closers.push(async () => workers.forEach((w) => w.stop()));
    await Promise.all(workers.map((w) => w.ready));
    // every worker has loaded: the window starts shortly after all of them got their job
    const startAt = Date.now() + 500;
    const endAt = startAt + o.windowSeconds * 1000;
    const lateAfterMs = Math.max(100, intervalMs * 0.1);
    for (const [i, w] of workers.entries()) w.start({ origins, targets, known, pollers: pollers[i]!, intervalMs, startAt, endAt, lateAfterMs });
    const load0 = loadavg();
    const before = { git: await git.meter.read(), oci: await registry.meter.read() };
    log(`fleet: ${o.clusters} clusters per transport, every ${o.pollSeconds} s for ${o.windowSeconds} s, ${o.changes} change(s)`);
    // the changes, evenly spaced: main and latest move to the next prepared commit and artifact
    const changeLog: string[] = [];
    const changes = (async () => {
      for (const [j, c] of prepared.entries()) {
        const at = startAt + ((j + 0.25) * o.windowSeconds * 1000) / o.changes;
        await sleep(Math.max(0, at - Date.now()), undefined, { signal: o.signal });
        await moveTo(c.sha, c.tag);
        changeLog.push(`change ${j + 1} at +${((Date.now() - startAt) / 1000).toFixed(2)} s: main → ${c.sha.slice(0, 8)}, latest → ${c.tag}`);
      }
    })();
    // a failed change must not go unhandled while the workers are awaited
    changes.catch(() => undefined);
    const reports = await Promise.all(workers.map((w) => w.done));
    await changes;
    const wallSeconds = (Date.now() - startAt) / 1000;
    const after = { git: await git.meter.read(), oci: await registry.meter.read() };
    const load1 = loadavg();
    const changesPerHour = (o.changes * 3600) / o.windowSeconds;
    const windowHours = o.windowSeconds / 3600;
    const transports: FleetTransport[] = (['git', 'oci'] as const).map((kind) => {
      const t = reports.map((r) => r[kind]).reduce(merge);
      const d = trafficDelta(before[kind], after[kind]);
      const p = projectFleet({ clusters: o.clusters, intervalMinutes: o.pollSeconds / 60, changesPerHour }, cost[kind].check, cost[kind].fetch);
      const inWindow = (x: number | null) => (x === null ? null : x * windowHours);
      const projected = {
        polls: p.pollsPerHour * windowHours,
        fetches: p.fetchesPerHour * windowHours,
        serverCpuMs: inWindow(p.serverCpuSecondsPerHour === null ? null : p.serverCpuSecondsPerHour * 1000),
        bytesDown: inWindow(p.bytesDownPerHour),
        bytesUp: inWindow(p.bytesUpPerHour),
        requests: inWindow(p.requestsPerHour),
      };
      const rate = idleRate(kind);
      const idleCpuMs = rate === null ? null : rate * wallSeconds;
      const fleetCpuMs = d.serverCpuMs === null || idleCpuMs === null ? null : d.serverCpuMs - idleCpuMs;
      const measured = {
        idleCpuMs,
        polls: t.checks + t.errors,
        checks: t.checks,
        fetches: t.fetches,
        serverCpuMs: d.serverCpuMs,
        bytesDown: d.bytesDown,
        bytesUp: d.bytesUp,
        requests: d.requests,
        clientRequests: t.requests,
        errors: t.errors,
        errorSamples: t.errorSamples,
        checkP50Ms: t.checkMs.length ? quantile(t.checkMs, 0.5) : null,
        checkP99Ms: t.checkMs.length ? quantile(t.checkMs, 0.99) : null,
        latePolls: t.late,
        maxLagMs: t.maxLagMs,
      };
      // a fleet that fell behind spent its CPU over the wall time, not the window
      const cores = (ms: number | null, seconds: number) => (ms === null ? null : ms / 1000 / seconds);
      return {
        kind,
        label: kind === 'git' ? 'Git (go-git check + depth-1 fetch)' : 'OCI (manifest HEAD + manifest and layer)',
        check: cost[kind].check,
        fetch: cost[kind].fetch,
        measured,
        projected,
        serverCores: { measured: cores(fleetCpuMs, Math.max(o.windowSeconds, wallSeconds)), projected: cores(projected.serverCpuMs, o.windowSeconds) },
        ratio: {
          serverCpu: ratio(fleetCpuMs, projected.serverCpuMs),
          bytesDown: ratio(measured.bytesDown, projected.bytesDown),
          requests: ratio(measured.requests, projected.requests),
        },
        fellBehind: t.late > 0,
      };
    });
    const speedup = (o.intervalMinutes * 60) / o.pollSeconds;
    return {
      clusters: o.clusters,
      windowSeconds: o.windowSeconds,
      wallSeconds,
      pollSeconds: o.pollSeconds,
      intervalMinutes: o.intervalMinutes,
      compression: speedup,
      equivalentClusters: Math.round(o.clusters * speedup),
      changes: o.changes,
      changesPerHourEquivalent: changesPerHour / speedup,
      preset: o.preset,
      workers: workerCount,
      clients: clientsDescription({ clusters: o.clusters, workers: workerCount }),
      clientCpuMs: reports.reduce((s, r) => s + r.cpuMs, 0),
      loadAverage: { before: load0, after: load1 },
      calibrationRuns: o.calibrationRuns,
      changeLog,
      transports,
    };
  } finally {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await temp.remove();
  }
}
