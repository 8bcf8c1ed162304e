/**
 * Bring up (or repair) a kind cluster with the local registry, in the order of kind's
 * local-registry guide: registry container, cluster (containerd config_path patch),
 * hosts.toml on every node, registry on the kind network. Every step checks first, so
 * running it twice changes nothing and a half-made setup is completed, not duplicated.
 * The KEP-1755 ConfigMap is returned for the caller to apply with the kube client.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContainerEngine } from './container-engine.js';
import type { KindCli } from './kind-cli.js';
import type { ClusterOwnership } from './ownership.js';
import {
  KIND_REGISTRY,
  connectRegistryToKind,
  ensureNodeHostsToml,
  ensureRegistry,
  localRegistryHostingConfigMap,
  type RegistrySettings,
  type RegistryState,
} from './registry.js';
import type { CallOptions } from './tool.js';

/** cluster/kind-config.yaml shipped with ocilab (package.json "files" includes cluster/). */
export const DEFAULT_KIND_CONFIG = fileURLToPath(new URL('../../cluster/kind-config.yaml', import.meta.url));

export interface KindSetupOptions {
  clusterName: string;
  configPath?: string;
  /** `kind create cluster --wait`, default 120s. */
  wait?: string;
  nodeImage?: string;
  registry?: RegistrySettings;
  /** Where created clusters are recorded; cleanup deletes only those. */
  ownership: ClusterOwnership;
}

export interface KindSetupReport {
  registry: RegistryState;
  cluster: 'created' | 'reused';
  /** Nodes whose hosts.toml was missing or different and was (re)written. */
  nodesWritten: string[];
  /** True when the registry had to be attached to the kind network. */
  networkConnected: boolean;
  /** Apply this with the kube client (server-side apply). */
  configMap: ReturnType<typeof localRegistryHostingConfigMap>;
}

export async function ensureKindWithRegistry(
  kind: KindCli,
  engine: ContainerEngine,
  opts: KindSetupOptions,
  call: CallOptions = {},
): Promise<KindSetupReport> {
  const reg = opts.registry ?? KIND_REGISTRY;
  const registry = await ensureRegistry(engine, reg, call);

  let cluster: KindSetupReport['cluster'] = 'reused';
  const existing = await kind.getClusters(call);
  if (!existing.includes(opts.clusterName)) {
    const created = await kind.createCluster(
      {
        name: opts.clusterName,
        configPath: opts.configPath ?? DEFAULT_KIND_CONFIG,
        wait: opts.wait ?? '120s',
        image: opts.nodeImage,
      },
      call,
    );
    if (created) {
      cluster = 'created';
      if (!kind.tool.dryRun) await opts.ownership.record(opts.clusterName);
    }
  }

  // In dry-run there are no nodes to list; a one-node cluster's node is <name>-control-plane.
  const nodes = kind.tool.dryRun ? [`${opts.clusterName}-control-plane`] : await kind.getNodes(opts.clusterName, call);
  if (nodes.length === 0) {
    throw new Error(`kind cluster ${opts.clusterName} has no nodes: delete it (kind delete cluster --name ${opts.clusterName}) and run again`);
  }
  const nodesWritten: string[] = [];
  for (const node of nodes) {
    if (await ensureNodeHostsToml(engine, node, reg, call)) nodesWritten.push(node);
  }
  const networkConnected = await connectRegistryToKind(engine, reg, call);
  return { registry, cluster, nodesWritten, networkConnected, configMap: localRegistryHostingConfigMap(reg) };
}

/**
 * Put images from the engine's store onto the cluster's nodes (`kind load docker-image`),
 * for offline demos. Missing images are reported all at once with the pull command.
 */
export async function loadImagesIntoKind(
  kind: KindCli,
  engine: ContainerEngine,
  clusterName: string,
  images: readonly string[],
  call: CallOptions = {},
): Promise<void> {
  if (!engine.tool.dryRun) {
    const missing: string[] = [];
    for (const image of images) if (!(await engine.hasImage(image, call))) missing.push(image);
    if (missing.length > 0) {
      throw new Error(
        `not in the ${engine.name} image store, so kind cannot load them: ${missing.join(', ')} — while online run: ${missing.map((m) => `${engine.name} pull ${m}`).join(' && ')}`,
      );
    }
  }
  await loadStoreImages(kind, engine, clusterName, images, call);
}

/**
 * Images from the engine's store onto the nodes. docker: `kind load docker-image`. podman:
 * kind v0.32's `load docker-image` looks the images up with the docker CLI whatever the
 * provider (seen here: with podman's store holding them, it answered `image: "…" not present
 * locally`), so each image goes through `podman save -o <tmp>.tar` + `kind load image-archive`.
 */
export async function loadStoreImages(
  kind: KindCli,
  engine: ContainerEngine,
  clusterName: string,
  images: readonly string[],
  call: CallOptions = {},
): Promise<void> {
  if (images.length === 0) return;
  if (engine.name === 'docker') {
    await kind.loadDockerImage([...images], clusterName, call);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'ocilab-kind-load-'));
  try {
    for (const image of images) {
      const file = join(dir, `${image.replace(/[^A-Za-z0-9._-]+/g, '_')}.tar`);
      await engine.save(image, file, call);
      await kind.loadImageArchive(file, clusterName, call);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
