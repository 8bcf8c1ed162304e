/**
 * The local registry container wired into kind exactly as kind's local-registry guide
 * does (kind site/static/examples/kind-with-registry.sh, kind v0.32): `registry:3` on
 * 127.0.0.1:5001, attached to the `kind` network as `kind-registry:5000`, and a
 * containerd hosts.toml on every node mapping localhost:5001 to it.
 */
import { MANAGED_LABEL, type ContainerEngine } from './container-engine.js';
import type { CallOptions } from './tool.js';

export interface RegistrySettings {
  /** Container name, also its DNS name on the kind network. */
  name: string;
  image: string;
  /** Host address the port is published on (loopback only by default). */
  hostAddress: string;
  hostPort: number;
  /** Port the registry listens on inside the container. */
  containerPort: number;
  /** The docker network kind creates for its nodes. */
  network: string;
}

export const KIND_REGISTRY: RegistrySettings = {
  name: 'kind-registry',
  image: 'registry:3',
  hostAddress: '127.0.0.1',
  hostPort: 5001,
  containerPort: 5000,
  network: 'kind',
};

/** Where pods and the host push/pull: `localhost:5001` (containerd rewrites it on nodes). */
export function registryHostAlias(s: RegistrySettings = KIND_REGISTRY): string {
  return `localhost:${s.hostPort}`;
}

/** How code inside the cluster (source-controller) reaches it: plain HTTP on the kind network. */
export function registryInClusterHost(s: RegistrySettings = KIND_REGISTRY): string {
  return `${s.name}:${s.containerPort}`;
}

export function hostsTomlDir(s: RegistrySettings = KIND_REGISTRY): string {
  return `/etc/containerd/certs.d/${registryHostAlias(s)}`;
}

export function hostsToml(s: RegistrySettings = KIND_REGISTRY): string {
  return `[host."http://${registryInClusterHost(s)}"]\n`;
}

export type RegistryOutcome = 'created' | 'started' | 'reused';

export interface RegistryState {
  outcome: RegistryOutcome;
  /** True when ocilab created the container (it carries io.ocilab.managed=true). */
  managed: boolean;
  /**
   * Set when a reused registry is not published where ocilab pushes (127.0.0.1:5001):
   * the cluster still pulls through kind-registry:5000, but pushes from the host will fail.
   */
  warning?: string;
}

/** Start the registry container unless one of that name exists; start it if stopped. */
export async function ensureRegistry(
  engine: ContainerEngine,
  s: RegistrySettings = KIND_REGISTRY,
  call: CallOptions = {},
): Promise<RegistryState> {
  const existing = await engine.inspect(s.name, call);
  if (!existing) {
    await engine.run(
      {
        name: s.name,
        image: s.image,
        restart: 'always',
        publish: [`${s.hostAddress}:${s.hostPort}:${s.containerPort}`],
        network: 'bridge',
        labels: { [MANAGED_LABEL]: 'true' },
        // distribution refuses DELETE unless storage.delete.enabled: a scenario run again on this
        // kept registry removes its earlier tags first (artifact.delete, helm-oci).
        env: { REGISTRY_STORAGE_DELETE_ENABLED: 'true' },
      },
      { note: `local registry ${registryHostAlias(s)} (kind local-registry guide)`, ...call },
    );
    return { outcome: 'created', managed: true };
  }
  const managed = existing.labels[MANAGED_LABEL] === 'true';
  const warning = publishWarning(existing.ports[`${s.containerPort}/tcp`] ?? [], s);
  const state = (outcome: RegistryOutcome): RegistryState => (warning ? { outcome, managed, warning } : { outcome, managed });
  if (!existing.running) {
    await engine.start(s.name, call);
    return state('started');
  }
  return state('reused');
}

function publishWarning(bindings: { hostIp: string; hostPort: string }[], s: RegistrySettings): string | undefined {
  const ok = bindings.some((b) => b.hostPort === String(s.hostPort) && ['', '0.0.0.0', '127.0.0.1', '::'].includes(b.hostIp));
  if (ok) return undefined;
  const where = bindings.map((b) => `${b.hostIp || '0.0.0.0'}:${b.hostPort}`).join(', ') || 'no host port';
  return `the existing ${s.name} container publishes ${s.containerPort}/tcp on ${where}, not ${s.hostAddress}:${s.hostPort}: pushes to ${registryHostAlias(s)} will fail. Remove it (docker rm -f ${s.name}) to let ocilab create its own, or push to the port it uses.`;
}

/** Attach the registry to the kind network unless it already is. Returns true when it connected it. */
export async function connectRegistryToKind(
  engine: ContainerEngine,
  s: RegistrySettings = KIND_REGISTRY,
  call: CallOptions = {},
): Promise<boolean> {
  const info = await engine.inspect(s.name, call);
  if (!info && !engine.tool.dryRun) {
    throw new Error(`registry container ${s.name} does not exist: run the kind setup again (ensureRegistry)`);
  }
  if (info?.networks.includes(s.network)) return false;
  await engine.connect(s.network, s.name, call);
  return true;
}

/** Write hosts.toml on one node unless it already has exactly this content. Returns true when written. */
export async function ensureNodeHostsToml(
  engine: ContainerEngine,
  node: string,
  s: RegistrySettings = KIND_REGISTRY,
  call: CallOptions = {},
): Promise<boolean> {
  const dir = hostsTomlDir(s);
  const current = await engine.readFile(node, `${dir}/hosts.toml`, call);
  if (current === hostsToml(s)) return false;
  await engine.exec(node, ['mkdir', '-p', dir], call);
  await engine.exec(node, ['cp', '/dev/stdin', `${dir}/hosts.toml`], { ...call, input: hostsToml(s) });
  return true;
}

/** The KEP-1755 ConfigMap that tells tools where the local registry is. */
export function localRegistryHostingConfigMap(s: RegistrySettings = KIND_REGISTRY) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'local-registry-hosting', namespace: 'kube-public' },
    data: {
      'localRegistryHosting.v1': `host: "${registryHostAlias(s)}"\nhelp: "https://kind.sigs.k8s.io/docs/user/local-registry/"\n`,
    },
  };
}
