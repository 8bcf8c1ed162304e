/**
 * The run's local reconciler: one LocalReconciler per run (storage under the run's workDir),
 * stopped by the run's cleanup. The local target drives it (flux.apply, flux.wait,
 * flux.expect on --target local; the former reconcile.* actions load as those).
 */
import { join } from 'node:path';
import type { ActionContext } from '../engine/action.js';
import { fluxTarballArchive } from './archive.js';
import { LOCAL_RECONCILER_DIFFERENCES } from './differences.js';
import { LocalReconciler, type PassRecord } from './reconciler.js';
import { serverFor } from '../git/running.js';
import { ArtifactStorage } from './storage.js';
import type { SourceVerifier } from './verifier.js';

const perRun = new Map<string, { rec: LocalReconciler; stop: () => Promise<void> }>();
/** The scope of the latest caller that used the run's reconciler: its events and passes are logged in that step. */
const latestScope = new Map<string, ReconcilerScope>();
const pendingVerifiers: SourceVerifier[] = [];

/** Let another area (cosign) plug its verifier into every local reconciler of this process. */
export function registerSourceVerifier(v: SourceVerifier): void {
  pendingVerifiers.push(v);
  for (const { rec } of perRun.values()) rec.addVerifier(v);
}

/** What reconcilerFor needs of its caller: an action's context, or the local target's (no measurements there unless given). */
export type ReconcilerScope = Pick<ActionContext, 'workDir' | 'cleanup' | 'log'> & { report?: ActionContext['report'] };

/**
 * The run's reconciler (one per workDir, shared by the reconcile.* actions and the local
 * target), created and started on first use; the run's cleanup stops it.
 */
export function reconcilerFor(ctx: ReconcilerScope): LocalReconciler {
  latestScope.set(ctx.workDir, ctx);
  const running = perRun.get(ctx.workDir);
  if (running) return running.rec;
  const rec = new LocalReconciler({ storage: new ArtifactStorage(join(ctx.workDir, 'source-storage'), fluxTarballArchive), verifiers: pendingVerifiers });
  ctx.log('local reconciler (stand-in for source-controller); where it differs:', 'info');
  for (const d of LOCAL_RECONCILER_DIFFERENCES) ctx.log(`  - ${d}`, 'info');
  const now = () => latestScope.get(ctx.workDir) ?? ctx;
  rec.on('event', (e) => now().log(`${e.kind}/${e.name} ${e.type} ${e.reason}: ${e.message}`, e.type === 'Warning' ? 'stderr' : 'info'));
  rec.on('pass', (p) => {
    const report = now().report ?? ctx.report;
    if (report) void reportPass(report, p);
  });
  const stop = ctx.cleanup.add('local reconciler', async () => {
    perRun.delete(ctx.workDir);
    latestScope.delete(ctx.workDir);
    await rec.stop();
  });
  perRun.set(ctx.workDir, { rec, stop });
  rec.start();
  return rec;
}

/** Stop the run's reconciler now (target.down), if it runs; the next reconcilerFor starts a new one. */
export async function stopReconcilerFor(workDir: string): Promise<void> {
  await perRun.get(workDir)?.stop();
}

/** Each pass as measurements: wall time, and our Git server's bytes and CPU for it when it is ours. */
async function reportPass(report: ActionContext['report'], p: PassRecord): Promise<void> {
  const method = `${p.key.kind} pass (${p.outcome})`;
  report({ method, metric: 'wall_ms', value: p.durationMs, method_note: 'single pass' });
  const server = serverFor(p.url);
  if (!server) return;
  await server.settled();
  const t = server.log.cloneTotals(p.passId);
  if (!t) return;
  report({ method, metric: 'bytes_down', value: t.bytesOut, method_note: 'server socket counters' });
  report({ method, metric: 'server_cpu_ms', value: t.cpuMs, method_note: 'git tree rusage' });
  report({ method, metric: 'requests', value: t.requests });
}
