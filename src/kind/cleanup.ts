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
}

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
  return report;
}
