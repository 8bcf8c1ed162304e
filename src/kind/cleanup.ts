/**
 * Remove what ocilab created for the kind target, and nothing else: the kind clusters
 * recorded in the ownership file, and the containers labelled io.ocilab.managed=true.
 * A registry or cluster the user made themselves (and ocilab only reused) stays.
 */
import { MANAGED_LABEL, type ContainerEngine } from './container-engine.js';
import type { KindCli } from './kind-cli.js';
import type { ClusterOwnership } from './ownership.js';
import type { CallOptions } from './tool.js';

export interface KindCleanupReport {
  clustersDeleted: string[];
  /** Recorded as ours but already gone; forgotten. */
  clustersAlreadyGone: string[];
  containersRemoved: string[];
  /** The `kind` network, removed once ocilab deleted the last kind cluster and nothing is attached to it. */
  networkRemoved?: string;
}

/** The network kind creates on its first cluster and leaves behind on delete. */
export const KIND_NETWORK = 'kind';

export async function cleanupKind(
  kind: KindCli,
  engine: ContainerEngine,
  ownership: ClusterOwnership,
  call: CallOptions = {},
): Promise<KindCleanupReport> {
  const report: KindCleanupReport = { clustersDeleted: [], clustersAlreadyGone: [], containersRemoved: [] };
  const owned = await ownership.list();
  const existing = owned.length > 0 ? await kind.getClusters(call) : [];
  for (const { name } of owned) {
    if (existing.includes(name) || kind.tool.dryRun) {
      await kind.deleteCluster(name, call);
      report.clustersDeleted.push(name);
    } else {
      report.clustersAlreadyGone.push(name);
    }
    if (!kind.tool.dryRun) await ownership.forget(name);
  }
  for (const name of await engine.listByLabel(MANAGED_LABEL, 'true', call)) {
    await engine.remove(name, call);
    report.containersRemoved.push(name);
  }
  // kind leaves its network after `kind delete cluster`. Once ocilab deleted a cluster, no
  // kind cluster is left and no container is on it, nothing uses it: the next
  // `kind create cluster` makes it again.
  if (report.clustersDeleted.length > 0 && !kind.tool.dryRun) {
    const left = await kind.getClusters(call);
    if (left.length === 0 && (await engine.containersOn(KIND_NETWORK, call)).length === 0 && (await engine.removeNetwork(KIND_NETWORK, call))) {
      report.networkRemoved = KIND_NETWORK;
    }
  }
  return report;
}
