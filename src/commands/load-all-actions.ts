/**
 * The action registry, imported on demand: it pulls in every area (Kubernetes client, OCI,
 * cosign, Git, Helm), ~1 s of CPU that `ocilab --help`, `--version` and commands that run no
 * scenario should not pay at start-up.
 */
import type { ActionRegistry } from '../engine/action-registry.js';

export async function loadActionRegistry(): Promise<ActionRegistry> {
  const { buildActionRegistry } = await import('../all-actions.js');
  return buildActionRegistry();
}
