/**
 * The simulated source-controllers of one worker process (fleet-worker-main.ts; fleet.ts forks
 * it): many pollers share one event loop and one undici Pool per server, each polling on its
 * own schedule (start + offset + k × interval) until the window ends. A poll still running at
 * its next slot makes that poll late (counted, with the largest lag, never skipped).
 */
import { Pool } from 'undici';
import { poll, type PollTarget } from './fleet-poll.js';

export interface FleetWorkerJob {
  origins: { git: string; oci: string };
  targets: { git: PollTarget; oci: PollTarget };
  /** The revisions the pollers start from (their last reconcile). */
  known: { git: string; oci: string };
  pollers: { kind: 'git' | 'oci'; offsetMs: number }[];
  intervalMs: number;
  /** Epoch ms. */
  startAt: number;
  endAt: number;
  /** A poll that starts this much after its slot counts as late. */
  lateAfterMs: number;
}

export interface TransportTally {
  checks: number;
  fetches: number;
  requests: number;
  errors: number;
  errorSamples: string[];
  checkMs: number[];
  late: number;
  maxLagMs: number;
}

export interface FleetWorkerReport {
  git: TransportTally;
  oci: TransportTally;
  /** CPU of this worker process over its polls (user + system). */
  cpuMs: number;
}

const tally = (): TransportTally => ({ checks: 0, fetches: 0, requests: 0, errors: 0, errorSamples: [], checkMs: [], late: 0, maxLagMs: 0 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export async function runPollers(job: FleetWorkerJob): Promise<FleetWorkerReport> {
  const per = { git: 0, oci: 0 };
  for (const p of job.pollers) per[p.kind]++;
  // one connection per poller at most: a cluster never waits for another cluster's socket
  const ds = {
    git: new Pool(job.origins.git, { connections: Math.max(1, per.git), pipelining: 1 }),
    oci: new Pool(job.origins.oci, { connections: Math.max(1, per.oci), pipelining: 1 }),
  };
  const out = { git: tally(), oci: tally() };
  const cpu0 = process.cpuUsage();
  await Promise.all(
    job.pollers.map(async (p) => {
      const t = out[p.kind];
      let known = job.known[p.kind];
      for (let slot = job.startAt + p.offsetMs; slot < job.endAt; slot += job.intervalMs) {
        await sleep(slot - Date.now());
        const lag = Date.now() - slot;
        if (lag > job.lateAfterMs) t.late++;
        t.maxLagMs = Math.max(t.maxLagMs, lag);
        try {
          const r = await poll(ds[p.kind], job.targets[p.kind], known);
          t.checks++;
          t.checkMs.push(r.checkMs);
          t.requests += r.requests;
          if (r.fetched) t.fetches++;
          known = r.revision;
        } catch (err) {
          t.errors++;
          if (t.errorSamples.length < 3) t.errorSamples.push((err as Error).message);
        }
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  await Promise.all([ds.git.close(), ds.oci.close()]);
  return { ...out, cpuMs: (cpu.user + cpu.system) / 1000 };
}
