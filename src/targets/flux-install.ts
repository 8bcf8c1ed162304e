/**
 * Is Flux on the cluster, and putting it there. Presence = the CRDs of the kinds ocilab
 * applies plus the source- and kustomize-controller Deployments available in flux-system.
 * Install = `flux install` when the flux CLI is present, else the manifests `ocilab
 * prepare` cached from `flux install --export` (FLUX-OCI-FACTS §8); then the controllers
 * are waited for with progress lines.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ApiException, ApiextensionsV1Api, AppsV1Api, KubernetesObjectApi, PatchStrategy, loadYaml, type KubernetesObject } from '@kubernetes/client-node';
import { parseMultiDocYaml } from '../flux/render.js';
import { FLUX_NAMESPACE } from '../flux/types.js';
import { FIELD_MANAGER, type KubeClient } from '../kube/client.js';
import { ToolMissingError } from '../kind/exec.js';
import type { Tool } from '../kind/tool.js';
import { TargetError, type TargetContext } from './target.js';

export const FLUX_CRDS = [
  'ocirepositories.source.toolkit.fluxcd.io',
  'gitrepositories.source.toolkit.fluxcd.io',
  'kustomizations.kustomize.toolkit.fluxcd.io',
] as const;
export const FLUX_CONTROLLERS = ['source-controller', 'kustomize-controller'] as const;
/**
 * What ocilab installs: the two controllers every scenario uses (flux-local-dev does the same)
 * plus helm-controller for helm-oci's HelmRelease. Presence is judged on FLUX_CONTROLLERS only,
 * so a workshop cluster without helm-controller still counts as having Flux.
 */
export const FLUX_COMPONENTS = [...FLUX_CONTROLLERS, 'helm-controller'].join(',');

export interface FluxPresence {
  installed: boolean;
  missingCrds: string[];
  /** Controller → "ready", "1/1 available", or why not. */
  controllers: Record<string, { ready: boolean; detail: string }>;
}

export async function fluxPresence(client: KubeClient, signal?: AbortSignal): Promise<FluxPresence> {
  if (client.plan) {
    // Dry-run answers as a fresh cluster: no Flux.
    return { installed: false, missingCrds: [...FLUX_CRDS], controllers: Object.fromEntries(FLUX_CONTROLLERS.map((c) => [c, { ready: false, detail: 'dry-run' }])) };
  }
  const ext = client.kc.makeApiClient(ApiextensionsV1Api);
  const apps = client.kc.makeApiClient(AppsV1Api);
  const options = client.requestOptions({ signal });
  const missingCrds: string[] = [];
  for (const name of FLUX_CRDS) {
    try {
      await ext.readCustomResourceDefinition({ name }, options);
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) missingCrds.push(name);
      else throw err;
    }
  }
  const controllers: FluxPresence['controllers'] = {};
  for (const name of FLUX_CONTROLLERS) {
    try {
      const d = await apps.readNamespacedDeployment({ name, namespace: FLUX_NAMESPACE }, options);
      const want = d.spec?.replicas ?? 1;
      const have = d.status?.availableReplicas ?? 0;
      controllers[name] = { ready: have >= want && want > 0, detail: `${have}/${want} available` };
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) controllers[name] = { ready: false, detail: `no Deployment ${FLUX_NAMESPACE}/${name}` };
      else throw err;
    }
  }
  return { installed: missingCrds.length === 0 && Object.values(controllers).every((c) => c.ready), missingCrds, controllers };
}

export interface InstallOptions {
  client: KubeClient;
  /** The flux CLI (a Tool, so dry-run records the command). */
  flux: Tool;
  /** kubeconfig context the flux CLI must use. */
  context: string;
  /** kubeconfig file, when not the default one. */
  kubeconfigPath?: string;
  /** `ocilab prepare`'s copy of `flux install --export`, used when the CLI is absent. */
  manifestsFile: string;
  timeoutMs?: number;
}

/** Which way Flux will be installed: the CLI when it answers, the cached manifests, or neither. */
export async function installMethod(o: Pick<InstallOptions, 'flux' | 'manifestsFile'>, signal?: AbortSignal): Promise<'cli' | 'manifests' | 'none'> {
  try {
    const r = await o.flux.probe(['version', '--client'], { signal, timeoutMs: 15_000 });
    if (r.exitCode === 0) return 'cli';
  } catch (err) {
    if (!(err instanceof ToolMissingError)) throw err;
  }
  return existsSync(o.manifestsFile) ? 'manifests' : 'none';
}

export async function installFlux(o: InstallOptions, ctx: TargetContext): Promise<void> {
  const method = await installMethod(o, ctx.signal);
  if (method === 'none') {
    throw new TargetError(
      `cannot install Flux: the flux CLI is not on PATH and ${o.manifestsFile} does not exist. ` +
        'Install the flux CLI (brew install fluxcd/tap/flux), or run `ocilab prepare --target kind` on a machine that has it.',
    );
  }
  if (method === 'cli') {
    ctx.log(`installing Flux with the flux CLI (${FLUX_COMPONENTS})`);
    const kubeconfig = o.kubeconfigPath ? [`--kubeconfig=${o.kubeconfigPath}`] : [];
    await o.flux.change(['install', ...kubeconfig, `--context=${o.context}`, `--components=${FLUX_COMPONENTS}`], {
      signal: ctx.signal,
      timeoutMs: 10 * 60_000,
      note: 'Flux controllers (flux install)',
    });
  } else {
    const objects = parseMultiDocYaml(await readFile(o.manifestsFile, 'utf8'), o.manifestsFile) as KubernetesObject[];
    ctx.log(`installing Flux from ${o.manifestsFile} (${objects.length} objects)`);
    await applyManifests(o.client, objects, ctx.signal);
  }
  await waitForControllers(o.client, ctx, o.timeoutMs ?? 5 * 60_000);
}

/**
 * KubernetesObjectApi.patch serializes a known kind through its client-node model, which maps
 * model field names (xKubernetesPreserveUnknownFields) to wire names: a plain object parsed
 * from YAML (with `x-kubernetes-preserve-unknown-fields`) loses every such key, and the API
 * server refused Flux's HelmRelease CRD for it ("properties[values].type: Required value").
 * loadYaml turns the plain object into its model first (JSON is YAML), as loadAllYaml does.
 */
export function asClientNodeModel(o: KubernetesObject): KubernetesObject {
  return loadYaml<KubernetesObject>(JSON.stringify(o));
}

/** Server-side apply of arbitrary manifests (CRDs, Deployments...), with discovery by client-node. */
export async function applyManifests(client: KubeClient, objects: KubernetesObject[], signal?: AbortSignal): Promise<void> {
  if (client.plan) {
    for (const o of objects) client.plan.apply(o, `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''}`);
    return;
  }
  const api = KubernetesObjectApi.makeApiClient(client.kc);
  for (const o of objects) {
    signal?.throwIfAborted();
    await api.patch(asClientNodeModel(o), undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }
}

/** Poll the controller Deployments every 2 s, logging each change, until all are available. */
export async function waitForControllers(client: KubeClient, ctx: TargetContext, timeoutMs: number): Promise<void> {
  if (client.plan) return;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const p = await fluxPresence(client, ctx.signal);
    const line = Object.entries(p.controllers)
      .map(([n, c]) => `${n} ${c.detail}`)
      .join(', ');
    if (line !== last) ctx.log(`Flux: ${line}`);
    last = line;
    if (p.installed) return;
    if (Date.now() > deadline) {
      throw new TargetError(`Flux controllers not ready after ${Math.round(timeoutMs / 1000)}s (${line}); look at \`kubectl -n ${FLUX_NAMESPACE} get pods\``);
    }
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, 2000);
      ctx.signal.addEventListener('abort', () => (clearTimeout(t), reject(new Error('waiting for Flux was cancelled'))), { once: true });
    });
  }
}
