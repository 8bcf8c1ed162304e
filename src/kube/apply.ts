/**
 * Server-side apply of the objects ocilab owns (Flux sources, Kustomizations, the cosign
 * key Secret, the local-registry-hosting ConfigMap): PATCH with
 * Content-Type application/apply-patch+yaml, fieldManager=ocilab, force=true — what
 * `kubectl apply --server-side --field-manager=ocilab --force-conflicts` sends.
 */
import { PatchStrategy } from '@kubernetes/client-node';
import { FIELD_MANAGER, type KubeClient } from './client.js';
import { objectPath, refOf, resourceFor } from './resources.js';

export interface ApplicableObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** Apply one object; returns the object as the server stored it (undefined in dry-run). */
export async function applyObject(client: KubeClient, object: ApplicableObject, call: { signal?: AbortSignal } = {}): Promise<unknown> {
  const ref = refOf(object);
  const r = resourceFor(object.apiVersion, object.kind);
  objectPath(ref); // validates the namespace is there for namespaced kinds
  if (client.plan) {
    client.plan.apply(object, `${object.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`);
    return undefined;
  }
  // JSON is YAML, so the JSON body client-node serialises is a valid apply-patch+yaml body.
  const options = client.requestOptions({ signal: call.signal, headers: { 'Content-Type': PatchStrategy.ServerSideApply } });
  const common = { body: object, fieldManager: FIELD_MANAGER, force: true };
  if (r.group) {
    return client.custom.patchNamespacedCustomObject(
      { group: r.group, version: r.version, namespace: ref.namespace!, plural: r.plural, name: ref.name, ...common },
      options,
    );
  }
  switch (object.kind) {
    case 'Secret':
      return client.core.patchNamespacedSecret({ name: ref.name, namespace: ref.namespace!, ...common }, options);
    case 'ConfigMap':
      return client.core.patchNamespacedConfigMap({ name: ref.name, namespace: ref.namespace!, ...common }, options);
    case 'Namespace':
      return client.core.patchNamespace({ name: ref.name, ...common }, options);
    default:
      throw new Error(`applyObject: no apply route for ${object.kind}`);
  }
}

/** Apply in order (namespaces and secrets first is the caller's order to give). */
export async function applyAll(client: KubeClient, objects: ApplicableObject[], call: { signal?: AbortSignal } = {}): Promise<void> {
  for (const o of objects) await applyObject(client, o, call);
}
