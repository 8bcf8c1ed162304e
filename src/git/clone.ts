/**
 * The four ways a GitOps tool can fetch a Git source, each run with the real git client
 * and measured the same way:
 *  - `full`: plain clone, whole history.
 *  - `shallow`: `--depth 1 --single-branch --no-tags`, what source-controller does for a branch.
 *  - `sparse`: Flux `sparseCheckout`: shallow partial clone (`--filter=blob:none --sparse`)
 *    then `sparse-checkout set <folder>`, which lazily fetches only that folder's blobs.
 *  - `ls-remote`: the no-change check the controller runs every interval.
 * Bytes are counted on the client side by a loopback TCP relay; client CPU and peak RSS
 * come from rusage of the git process tree (see rusage.ts); server CPU from the GitServer's
 * per-clone accounting when the server is ours (otherwise undefined, shown as "n/a").
 */
import { readdir } from 'node:fs/promises';
import { makeTempDir } from '../process/cleanup.js';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { findGit, isolatedGitEnv, runGit, GitCommandError } from './git-binary.js';
import { spawnWithUsage } from './rusage.js';
import { startByteCounter, type ByteCounter } from './byte-counter.js';
import { CLONE_ID_HEADER } from './server/request-log.js';
import type { GitServer } from './server/server.js';

export const CLONE_STRATEGIES = ['full', 'shallow', 'sparse', 'ls-remote'] as const;
export type CloneStrategy = (typeof CLONE_STRATEGIES)[number];

export interface CloneOptions {
  /** Repository URL, e.g. `${server.url}/small.git`. */
  url: string;
  strategy: CloneStrategy;
  /** Default `main`. */
  branch?: string;
  /** Folder for `sparse`, default `apps/app-007`. */
  sparsePath?: string;
  /** Where to clone; default a temp dir removed afterwards. Must not exist yet. */
  dest?: string;
  /** Pass our server to get its CPU and bytes for this clone. */
  server?: GitServer;
  signal?: AbortSignal;
}

export interface CloneMeasurement {
  strategy: CloneStrategy;
  url: string;
  /** Commit of the branch tip the client got (or listed, for ls-remote). */
  head?: string;
  wallMs: number;
  bytesDown?: number;
  bytesUp?: number;
  clientCpuMs?: number;
  peakRssBytes?: number;
  serverCpuMs?: number;
  /** What our server accounted for this clone: bytes and requests. */
  server?: { requests: number; bytesIn: number; bytesOut: number };
  /** Objects in the clone's object store afterwards (0 for ls-remote). */
  objectsReceived: number;
  filesCheckedOut: number;
  /** Each git process run, with its own figures. */
  steps: { command: string; wallMs: number; cpuMs?: number }[];
  /** How figures were taken and which are not available, in words. */
  notes: string[];
}

/** Run one strategy and measure it. Rejects with GitCommandError carrying git's message. */
export async function measureClone(opts: CloneOptions): Promise<CloneMeasurement> {
  const git = await findGit();
  const branch = opts.branch ?? 'main';
  const cloneId = randomUUID();
  const notes: string[] = [];
  const target = new URL(opts.url);
  let counter: ByteCounter | undefined;
  let url = opts.url;
  if (target.protocol === 'http:') {
    counter = await startByteCounter(target.hostname, Number(target.port || 80));
    url = `http://${counter.address}${target.pathname}`;
  } else {
    notes.push('bytes n/a: only http:// URLs are counted on the client side');
  }
  const ownTemp = opts.dest === undefined;
  const parent = ownTemp ? makeTempDir('ocilab-clone-') : undefined;
  const dest = opts.dest ?? join(parent!.path, 'repo');
  const config = ['-c', `http.extraHeader=${CLONE_ID_HEADER}: ${cloneId}`, '-c', 'protocol.version=2'];
  const steps: CloneMeasurement['steps'] = [];
  let rss: number | undefined;
  let cpu = 0;
  let cpuKnown = true;
  let stdout = '';

  const run = async (args: string[]) => {
    const { child, done } = spawnWithUsage(git.bin, [...config, ...args], {
      env: isolatedGitEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      want: 'cpu+rss',
      signal: opts.signal,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    const { code, usage } = await done;
    opts.signal?.throwIfAborted();
    if (code !== 0) {
      // say the URL the user gave, not the counting relay's
      const unrelay = (t: string) => (counter ? t.split(`http://${counter.address}`).join(target.origin) : t);
      throw new GitCommandError(args.map(unrelay), code, unrelay(Buffer.concat(err).toString('utf8')));
    }
    stdout = Buffer.concat(out).toString('utf8');
    const stepCpu = usage ? usage.userMs + usage.sysMs : undefined;
    if (stepCpu === undefined) cpuKnown = false;
    else cpu += stepCpu;
    if (usage?.maxRssBytes !== undefined) rss = Math.max(rss ?? 0, usage.maxRssBytes);
    steps.push({ command: `git ${args.join(' ')}`, wallMs: usage?.wallMs ?? Number.NaN, cpuMs: stepCpu });
  };

  try {
    const base = ['--single-branch', '--branch', branch, '--no-tags'];
    switch (opts.strategy) {
      case 'full':
        await run(['clone', '--quiet', '--branch', branch, url, dest]);
        break;
      case 'shallow':
        await run(['clone', '--quiet', '--depth', '1', ...base, url, dest]);
        break;
      case 'sparse':
        await run(['clone', '--quiet', '--depth', '1', '--filter=blob:none', '--sparse', ...base, url, dest]);
        await run(['-C', dest, 'sparse-checkout', 'set', opts.sparsePath ?? 'apps/app-007']);
        break;
      case 'ls-remote':
        await run(['ls-remote', '--exit-code', url, `refs/heads/${branch}`]);
        break;
    }
    const head =
      opts.strategy === 'ls-remote' ? stdout.split('\t')[0]?.trim() : (await runGit(['-C', dest, 'rev-parse', 'HEAD'])).stdout.trim();
    const objectsReceived = opts.strategy === 'ls-remote' ? 0 : await countObjects(dest);
    const filesCheckedOut = opts.strategy === 'ls-remote' ? 0 : await countFiles(dest);
    await opts.server?.settled();
    const totals = opts.server?.log.cloneTotals(cloneId);
    if (!opts.server) notes.push('server CPU n/a: not our server');
    if (!cpuKnown) notes.push('client CPU n/a: no rusage wrapper available');
    if (rss === undefined) notes.push('peak RSS n/a: needs python3 (resource module) on this machine');
    return {
      strategy: opts.strategy,
      url: opts.url,
      head,
      wallMs: steps.reduce((s, x) => s + x.wallMs, 0),
      bytesDown: counter?.down,
      bytesUp: counter?.up,
      clientCpuMs: cpuKnown ? cpu : undefined,
      peakRssBytes: rss,
      serverCpuMs: totals?.cpuMs,
      server: totals && { requests: totals.requests, bytesIn: totals.bytesIn, bytesOut: totals.bytesOut },
      objectsReceived,
      filesCheckedOut,
      steps,
      notes,
    };
  } finally {
    await counter?.close();
    await parent?.remove();
  }
}

async function countObjects(repo: string): Promise<number> {
  const out = (await runGit(['-C', repo, 'count-objects', '-v'])).stdout;
  const n = (k: string) => Number(new RegExp(`^${k}: (\\d+)`, 'm').exec(out)?.[1] ?? 0);
  return n('count') + n('in-pack');
}

/** Files in the working tree, not counting .git. */
export async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name === '.git') continue;
    if (e.isDirectory()) n += await countFiles(join(dir, e.name));
    else n += 1;
  }
  return n;
}
