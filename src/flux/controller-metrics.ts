/**
 * Reading source-controller from outside, for the in-cluster measurements (flux.scale,
 * flux.measure): its Prometheus metrics (through the API server's pod proxy, or a metrics URL
 * when the controllers run outside the cluster, as on the rig) and its pod's usage from the
 * kubelet summary (through the API server's node proxy; clusters only, the rig has no kubelet).
 */
import type { KubeClient } from '../kube/client.js';
import { controllerPod, fetchPodMetrics } from '../kube/metrics.js';
import { parseExposition, type Exposition } from '../kube/prometheus.js';
import { nodeStatsSummary, podUsage, type PodUsage } from '../kube/stats.js';

const CONTROLLER = 'source-controller';
const NAMESPACE = 'flux-system';

/** Reads source-controller's metrics: `url` (controllers outside the cluster), else the pod proxy. */
export function metricsReader(client: KubeClient | undefined, url: string | undefined): (signal: AbortSignal) => Promise<Exposition> {
  if (url) {
    return async (signal) => {
      const res = await fetch(url, { signal });
      if (!res.ok) throw new Error(`source-controller metrics at ${url} answered ${res.status}`);
      return parseExposition(await res.text());
    };
  }
  let pod: Promise<{ name: string }> | undefined;
  return async (signal) => {
    if (!client) throw new Error('no Kubernetes client: run target.up first');
    pod ??= controllerPod(client, CONTROLLER, NAMESPACE, { signal });
    return parseExposition(await fetchPodMetrics(client, (await pod).name, NAMESPACE, { signal }));
  };
}

/** source-controller's pod in the kubelet summary of its node, or undefined while the summary does not list it. */
function podUsageReader(client: KubeClient): (signal?: AbortSignal) => Promise<{ usage?: PodUsage; where: string }> {
  let pod: Promise<{ name: string; node?: string }> | undefined;
  return async (signal) => {
    pod ??= controllerPod(client, CONTROLLER, NAMESPACE, { signal });
    const p = await pod;
    if (!p.node) throw new Error(`${CONTROLLER} pod ${p.name} has no node`);
    const usage = podUsage(await nodeStatsSummary(client, p.node, { signal }), { name: p.name, namespace: NAMESPACE });
    return { usage, where: `the kubelet summary of node ${p.node} does not list pod ${NAMESPACE}/${p.name}` };
  };
}

/**
 * source-controller's pod usage from the kubelet summary of its node; throws when the node
 * proxy does not answer (no kubelet, RBAC without nodes/proxy) or the pod is not listed.
 */
export function kubeletUsage(client: KubeClient): (signal?: AbortSignal) => Promise<PodUsage> {
  const read = podUsageReader(client);
  return async (signal) => {
    const { usage, where } = await read(signal);
    if (!usage) throw new Error(where);
    return usage;
  };
}

/** source-controller's working set from the kubelet summary (what the scale step samples; undefined while not listed). */
export function kubeletMemory(client: KubeClient): () => Promise<number | undefined> {
  const read = podUsageReader(client);
  return async () => (await read()).usage?.memoryWorkingSetBytes;
}
