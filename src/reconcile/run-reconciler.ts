/**
 * The run's local reconciler: one per run (the `runReconciler` slot of the run's scope),
 * shared by the reconcile.* actions and the local target, started on first use (storage under
 * the run's workDir) and stopped by the run's cleanup registry. Its verifiers come from the
 * `sourceVerifiers` slot, which another area fills when a run's scope is made (src/actions.ts
 * plugs in cosign's), and its pass measurements use the run's own Git servers.
 */
import { join } from 'node:path';
import type { ActionContext } from '../engine/action.js';
import { scopeSlot } from '../engine/run-scope.js';
import { gitServers, type GitServers } from '../git/running.js';
import { fluxTarballArchive } from './archive.js';
import { LOCAL_RECONCILER_DIFFERENCES } from './differences.js';
import { LocalReconciler, type PassRecord } from './reconciler.js';
import { ArtifactStorage } from './storage.js';
import type { SourceVerifier } from './verifier.js';

/** What the reconciler needs of its caller: an action's context, or the local target's (no measurements there unless given). */
export type ReconcilerCaller = Pick<ActionContext, 'workDir' | 'cleanup' | 'log'> & { report?: ActionContext['report'] };

export class RunReconciler {
  private running: { rec: LocalReconciler; stop: () => Promise<void> } | undefined;
  /** The latest caller: the reconciler's events and passes are logged in its step. */
  private caller: ReconcilerCaller | undefined;

  constructor(
    private readonly verifiers: readonly SourceVerifier[],
    private readonly servers: GitServers,
  ) {}

  /**
   * The run's reconciler, created and started on first use (the run's cleanup stops it);
   * `caller` becomes the step its events and pass measurements go to.
   */
  use(caller: ReconcilerCaller): LocalReconciler {
    this.caller = caller;
    if (this.running) return this.running.rec;
    const rec = new LocalReconciler({ storage: new ArtifactStorage(join(caller.workDir, 'source-storage'), fluxTarballArchive), verifiers: [...this.verifiers] });
    caller.log('local reconciler (stand-in for source-controller); where it differs:', 'info');
    for (const d of LOCAL_RECONCILER_DIFFERENCES) caller.log(`  - ${d}`, 'info');
    const now = () => this.caller ?? caller;
    rec.on('event', (e) => now().log(`${e.kind}/${e.name} ${e.type} ${e.reason}: ${e.message}`, e.type === 'Warning' ? 'stderr' : 'info'));
    rec.on('pass', (p) => {
      const report = now().report ?? caller.report;
      if (report) void this.reportPass(report, p);
    });
    const stop = caller.cleanup.add('local reconciler', async () => {
      this.running = undefined;
      this.caller = undefined;
      await rec.stop();
    });
    this.running = { rec, stop };
    rec.start();
    return rec;
  }

  /** Stop the reconciler now (target.down), if it runs; the next use() starts a new one. */
  async stop(): Promise<void> {
    await this.running?.stop();
  }

  /** Each pass as measurements: wall time, and the Git server's bytes and CPU for it when it is this run's. */
  private async reportPass(report: ActionContext['report'], p: PassRecord): Promise<void> {
    const method = `${p.key.kind} pass (${p.outcome})`;
    report({ method, metric: 'wall_ms', value: p.durationMs, method_note: 'single pass' });
    const server = this.servers.serverFor(p.url);
    if (!server) return;
    await server.settled();
    const t = server.log.cloneTotals(p.passId);
    if (!t) return;
    report({ method, metric: 'bytes_down', value: t.bytesOut, method_note: 'server socket counters' });
    report({ method, metric: 'server_cpu_ms', value: t.cpuMs, method_note: 'git tree rusage' });
    report({ method, metric: 'requests', value: t.requests });
  }
}

/** Verifiers for `spec.verify` (by provider), filled when a run's scope is made; empty by default. */
export const sourceVerifiers = scopeSlot<SourceVerifier[]>('source verifiers', () => []);

/** The run's reconciler (ctx.scope.get(runReconciler).use(ctx)). */
export const runReconciler = scopeSlot('local reconciler', (scope) => new RunReconciler(scope.get(sourceVerifiers), scope.get(gitServers)));
