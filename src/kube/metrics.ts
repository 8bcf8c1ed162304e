/**
 * Flux controller metrics through the API server's pod proxy
 * (GET /api/v1/namespaces/flux-system/pods/<pod>:8080/proxy/metrics), and the one figure
 * ocilab reads from them: gotk_reconcile_duration_seconds{kind,name,namespace}, a
 * histogram source-controller records once per whole reconcile of each object.
 */
import type { KubeClient } from './client.js';
import { histogram, parseExposition, type Exposition, type Histogram } from './prometheus.js';

export const METRICS_PORT = 8080;
export const RECONCILE_DURATION = 'gotk_reconcile_duration_seconds';

/** The running pod of a Flux controller (label app=<controller>, as flux install sets it). */
export async function controllerPod(client: KubeClient, controller: string, namespace = 'flux-system', call: { signal?: AbortSignal } = {}) {
  if (client.plan) throw new Error(`dry-run: ${controller} metrics and usage are only measured on a real run`);
  const pods = await client.core.listNamespacedPod({ namespace, labelSelector: `app=${controller}` }, client.requestOptions(call));
  const running = pods.items.find((p) => p.status?.phase === 'Running') ?? pods.items[0];
  if (!running?.metadata?.name) throw new Error(`no ${controller} pod in ${namespace} (label app=${controller}): is Flux installed? (flux install, or ocilab prepare)`);
  return { name: running.metadata.name, node: running.spec?.nodeName };
}

export async function scrapeControllerMetrics(
  client: KubeClient,
  controller = 'source-controller',
  namespace = 'flux-system',
  call: { signal?: AbortSignal } = {},
): Promise<Exposition> {
  const pod = await controllerPod(client, controller, namespace, call);
  return parseExposition(await fetchPodMetrics(client, pod.name, namespace, call));
}

/** GET /api/v1/namespaces/<ns>/pods/<pod>:8080/proxy/metrics → Prometheus text. */
export async function fetchPodMetrics(client: KubeClient, pod: string, namespace: string, call: { signal?: AbortSignal } = {}): Promise<string> {
  const body = await client.core.connectGetNamespacedPodProxyWithPath(
    { name: `${pod}:${METRICS_PORT}`, namespace, path: 'metrics' },
    client.requestOptions(call),
  );
  return typeof body === 'string' ? body : String(body);
}

export function reconcileDuration(exp: Exposition, obj: { kind: string; name: string; namespace: string }): Histogram | undefined {
  return histogram(exp, RECONCILE_DURATION, { kind: obj.kind, name: obj.name, namespace: obj.namespace });
}
