/**
 * On the rig the Flux controllers run as processes, not pods: stand-in Deployments (nothing
 * runs them) satisfy the cluster target's Flux presence check (source- and kustomize-controller).
 */
import { ApiException, AppsV1Api } from '@kubernetes/client-node';
import type { KubeClient } from '../../src/kube/client.js';

export async function standInControllerDeployments(client: KubeClient): Promise<void> {
  const apps = client.kc.makeApiClient(AppsV1Api);
  try {
    await client.core.createNamespace({ body: { metadata: { name: 'flux-system' } } });
  } catch (err) {
    if (!(err instanceof ApiException && err.code === 409)) throw err;
  }
  for (const name of ['source-controller', 'kustomize-controller']) {
    const labels = { app: name, 'ocilab.io/rig-stand-in': 'true' };
    const body = {
      metadata: { name, namespace: 'flux-system', labels },
      spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels }, spec: { containers: [{ name: 'manager', image: `ghcr.io/fluxcd/${name}:v1.9.5` }] } } },
    };
    try {
      await apps.createNamespacedDeployment({ namespace: 'flux-system', body });
    } catch (err) {
      if (!(err instanceof ApiException && err.code === 409)) throw err;
    }
    const current = await apps.readNamespacedDeployment({ name, namespace: 'flux-system' });
    current.status = { replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1, observedGeneration: current.metadata?.generation };
    await apps.replaceNamespacedDeploymentStatus({ name, namespace: 'flux-system', body: current });
  }
}
