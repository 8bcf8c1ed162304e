/**
 * Pod CPU and memory without metrics-server: the kubelet's stats summary through the API
 * server's node proxy (GET /api/v1/nodes/<node>/proxy/stats/summary), as
 * kubernetes.io/docs/reference/instrumentation/node-metrics documents it.
 */
import type { KubeClient } from './client.js';
import { controllerPod } from './metrics.js';

interface CpuStats {
  time?: string;
  usageNanoCores?: number;
  usageCoreNanoSeconds?: number;
}
interface MemoryStats {
  time?: string;
  workingSetBytes?: number;
  usageBytes?: number;
  rssBytes?: number;
}
export interface StatsSummary {
  node: { nodeName: string; cpu?: CpuStats; memory?: MemoryStats };
  pods: { podRef: { name: string; namespace: string; uid?: string }; cpu?: CpuStats; memory?: MemoryStats; containers?: { name: string; cpu?: CpuStats; memory?: MemoryStats }[] }[];
}

export interface Usage {
  /** Instant CPU use, nanocores (1e9 = one core). */
  cpuNanoCores?: number;
  /** Cumulative CPU time, ns: diff two readings for the CPU a step cost. */
  cpuCoreNanoSeconds?: number;
  memoryWorkingSetBytes?: number;
  memoryRssBytes?: number;
  /** When the kubelet took the reading. */
  time?: string;
}

export interface PodUsage extends Usage {
  pod: string;
  namespace: string;
  containers: ({ name: string } & Usage)[];
}

export async function nodeStatsSummary(client: KubeClient, node: string, call: { signal?: AbortSignal } = {}): Promise<StatsSummary> {
  if (client.plan) throw new Error(`dry-run: node ${node} stats are only read on a real run`);
  const path = 'stats/summary';
  const body = await client.core.connectGetNodeProxyWithPath({ name: node, path }, client.requestOptions({ ...call, proxyPath: path }));
  // client-node hands back parsed JSON for an application/json answer, a string otherwise.
  const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as StatsSummary;
  if (!parsed || !Array.isArray(parsed.pods)) throw new Error(`stats summary of node ${node} has no pods list`);
  return parsed;
}

function usage(cpu?: CpuStats, memory?: MemoryStats): Usage {
  return {
    cpuNanoCores: cpu?.usageNanoCores,
    cpuCoreNanoSeconds: cpu?.usageCoreNanoSeconds,
    memoryWorkingSetBytes: memory?.workingSetBytes,
    memoryRssBytes: memory?.rssBytes,
    time: cpu?.time ?? memory?.time,
  };
}

export function podUsage(summary: StatsSummary, pod: { name: string; namespace: string }): PodUsage | undefined {
  const p = summary.pods.find((x) => x.podRef.name === pod.name && x.podRef.namespace === pod.namespace);
  if (!p) return undefined;
  return {
    pod: p.podRef.name,
    namespace: p.podRef.namespace,
    ...usage(p.cpu, p.memory),
    containers: (p.containers ?? []).map((c) => ({ name: c.name, ...usage(c.cpu, c.memory) })),
  };
}

/** CPU and memory of a Flux controller's pod right now (source-controller by default). */
export async function controllerUsage(
  client: KubeClient,
  controller = 'source-controller',
  namespace = 'flux-system',
  call: { signal?: AbortSignal } = {},
): Promise<PodUsage> {
  const pod = await controllerPod(client, controller, namespace, call);
  if (!pod.node) throw new Error(`${controller} pod ${pod.name} is not scheduled on a node yet`);
  const u = podUsage(await nodeStatsSummary(client, pod.node, call), { name: pod.name, namespace });
  if (!u) throw new Error(`kubelet stats of node ${pod.node} do not list pod ${namespace}/${pod.name} yet (stats lag ~10-15 s after a start)`);
  return u;
}

/** CPU time (ms) used between two readings of the same pod. */
export function cpuMsBetween(before: Usage, after: Usage): number | undefined {
  if (before.cpuCoreNanoSeconds === undefined || after.cpuCoreNanoSeconds === undefined) return undefined;
  return (after.cpuCoreNanoSeconds - before.cpuCoreNanoSeconds) / 1e6;
}
