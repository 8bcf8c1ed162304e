/**
 * `ocilab cleanup --target cluster`: delete, in one namespace, the objects that carry the
 * label app.kubernetes.io/managed-by=ocilab (Kustomizations first, then sources, Secrets,
 * ConfigMaps), then the namespace itself only when ocilab created it. Nothing else.
 */
import { ApiException } from '@kubernetes/client-node';
import { KUSTOMIZE_API, SOURCE_API } from '../flux/types.js';
import type { KubeClient } from '../kube/client.js';
import { describeRef } from '../kube/objects.js';
import { resourceFor, type ObjectRef } from '../kube/resources.js';
import { deleteObject } from './kube-delivery.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './target.js';

export const OWNED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/** Deletion order: what consumes a source goes before the source. */
const KINDS: { apiVersion: string; kind: string }[] = [
  { apiVersion: KUSTOMIZE_API, kind: 'Kustomization' },
  { apiVersion: SOURCE_API, kind: 'OCIRepository' },
  { apiVersion: SOURCE_API, kind: 'GitRepository' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
];

type Listed = { items?: { metadata?: { name?: string } }[] };

/** Names of the ocilab-owned objects of one kind in a namespace ([] when the CRD or namespace is absent). Always reads. */
export async function listOwned(client: KubeClient, namespace: string, apiVersion: string, kind: string, signal?: AbortSignal): Promise<string[]> {
  const r = resourceFor(apiVersion, kind);
  const options = client.requestOptions({ signal });
  let list: Listed;
  try {
    if (r.group) {
      list = (await client.custom.listNamespacedCustomObject({ group: r.group, version: r.version, namespace, plural: r.plural, labelSelector: OWNED_SELECTOR }, options)) as Listed;
    } else if (kind === 'Secret') {
      list = await client.core.listNamespacedSecret({ namespace, labelSelector: OWNED_SELECTOR }, options);
    } else {
      list = await client.core.listNamespacedConfigMap({ namespace, labelSelector: OWNED_SELECTOR }, options);
    }
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return []; // CRD or namespace not there
    throw err;
  }
  return (list.items ?? []).flatMap((i) => (i.metadata?.name ? [i.metadata.name] : []));
}

/** With `dryRun`, reads for real and says what it would delete, deleting nothing. */
export async function cleanupCluster(
  client: KubeClient,
  namespace: string,
  log: (line: string) => void,
  opts: { signal?: AbortSignal; dryRun?: boolean } = {},
): Promise<ObjectRef[]> {
  const { signal, dryRun = false } = opts;
  const verb = dryRun ? 'would delete' : 'deleted';
  const remove = async (ref: ObjectRef, what: string) => {
    if (!dryRun) await deleteObject(client, ref, signal);
    log(`${verb} ${what}`);
    deleted.push(ref);
  };
  const deleted: ObjectRef[] = [];
  for (const { apiVersion, kind } of KINDS) {
    for (const name of await listOwned(client, namespace, apiVersion, kind, signal)) {
      const ref = { apiVersion, kind, name, namespace };
      await remove(ref, describeRef(ref));
    }
  }
  try {
    const ns = await client.core.readNamespace({ name: namespace }, client.requestOptions({ signal }));
    if (ns.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE) await remove({ apiVersion: 'v1', kind: 'Namespace', name: namespace }, `namespace ${namespace} (created by ocilab)`);
    else log(`namespace ${namespace} kept: ocilab did not create it`);
  } catch (err) {
    if (!(err instanceof ApiException && err.code === 404)) throw err;
    log(`namespace ${namespace} does not exist`);
  }
  return deleted;
}
