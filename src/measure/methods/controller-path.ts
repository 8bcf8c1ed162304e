/**
 * The "controller" path: one pass of ocilab's local reconciler (src/reconcile), what
 * source-controller does per interval for a GitRepository or OCIRepository.
 *  - `fetch`: a first reconcile into fresh storage (ref listing / manifest HEAD, then shallow
 *    clone / layer pull, ignore rules, archive, artifact digest);
 *  - `no-change`: a pass against storage that already holds the current revision, which
 *    must end in the check alone (status.lastFetch = 'skipped-unchanged').
 * In-process; the git processes the Git pass spawns are counted through /proc/self/stat.
 */
import { makeTempDir, type TempDir } from '../../engine/cleanup.js';
import { join } from 'node:path';
import { fluxTarballArchive } from '../../reconcile/archive.js';
import { getCondition } from '../../flux/conditions.js';
import { reconcileGitRepository } from '../../reconcile/git-source.js';
import { reconcileOCIRepository } from '../../reconcile/oci-source.js';
import type { SourceObject } from '../../flux/sources.js';
import { emptyStatus, type SourceStatus } from '../../reconcile/status.js';
import { ArtifactStorage } from '../../reconcile/storage.js';
import { measureInProcess } from '../in-process-usage.js';
import { withTraffic } from '../traffic.js';
import type { FetchMethod, MethodOutcome, TrafficMeter } from '../types.js';

export interface ControllerPathOptions {
  source: SourceObject;
  mode: 'fetch' | 'no-change';
  meter?: TrafficMeter;
}

async function pass(source: SourceObject, prev: SourceStatus, storage: ArtifactStorage, signal: AbortSignal): Promise<SourceStatus> {
  const deps = { storage, signal, emit: () => undefined, verifiers: new Map(), secrets: new Map() };
  return source.kind === 'GitRepository'
    ? reconcileGitRepository(source, prev, 1, deps)
    : reconcileOCIRepository(source, prev, 1, deps);
}

function assertReady(s: SourceStatus, what: string): void {
  const ready = getCondition(s.conditions, 'Ready');
  if (ready?.status !== 'True') throw new Error(`${what} is not Ready: ${ready ? `${ready.reason}: ${ready.message}` : 'no Ready condition'}`);
}

export function controllerPathMethod(o: ControllerPathOptions): FetchMethod & { close(): Promise<void> } {
  const kind = o.source.kind === 'GitRepository' ? 'git' : 'oci';
  const what = `${o.source.kind}/${o.source.metadata.name}`;
  let kept: { dir: TempDir; storage: ArtifactStorage; status: SourceStatus } | undefined;
  return {
    id: `${kind}.controller.${o.mode}`,
    label: `local reconciler, ${o.source.kind} ${o.mode === 'fetch' ? 'first reconcile' : 'interval, no change'}`,
    kind,
    short: `ctrl ${kind} ${o.mode === 'fetch' ? 'fetch' : 'check'}`,
    client: 'ocilab process: local reconciler pass, in-process',
    notComparable: {
      clientCpuMs: 'in-process pass: the ocilab process\'s CPU (plus reaped git children for Git), not a client process like the other rows',
      clientPeakRssBytes: 'in-process pass: the whole ocilab process (and, for Git, not its git children)',
    },
    notes: [
      o.mode === 'fetch'
        ? 'one reconcile pass into empty storage: check, fetch, ignore rules, archive, digest'
        : 'one reconcile pass with the current revision already stored: the check only',
      'in-process local reconciler (src/reconcile); Git passes run the git CLI, source-controller uses go-git',
      ...(kind === 'git' ? ['client peak RSS: the ocilab process only; the git processes the pass spawns are not in it'] : []),
    ],
    async run(dest, signal): Promise<MethodOutcome> {
      let storage: ArtifactStorage;
      let prev: SourceStatus;
      if (o.mode === 'fetch') {
        storage = new ArtifactStorage(join(dest, 'storage'), fluxTarballArchive);
        prev = emptyStatus();
      } else {
        if (!kept) {
          const dir = makeTempDir('ocilab-controller-');
          const s = new ArtifactStorage(dir.path, fluxTarballArchive);
          const first = await pass(o.source, emptyStatus(), s, signal);
          assertReady(first, what);
          kept = { dir, storage: s, status: first };
        }
        storage = kept.storage;
        prev = kept.status;
      }
      const { value, traffic } = await withTraffic(o.meter, () => measureInProcess(() => pass(o.source, prev, storage, signal), { withChildren: true }));
      const status = value.value;
      assertReady(status, what);
      const expected = o.mode === 'fetch' ? 'fetched' : 'skipped-unchanged';
      if (status.lastFetch !== expected) throw new Error(`${what}: expected the pass to end ${expected}, it ended ${status.lastFetch}`);
      return { ...traffic, clientCpuMs: value.cpuMs, clientPeakRssBytes: value.peakRssBytes, notes: [...(traffic.notes ?? []), ...value.notes] };
    },
    close: async () => {
      if (kept) await kept.dir.remove();
      kept = undefined;
    },
  };
}
