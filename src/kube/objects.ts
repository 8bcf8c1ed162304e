/** Reading one Flux object by reference (undefined when it does not exist). */
import { ApiException } from '@kubernetes/client-node';
import type { KubeClient } from './client.js';
import type { FluxStatusObject } from '../flux/conditions.js';
import { resourceFor, type ObjectRef } from './resources.js';

export async function getObject(client: KubeClient, ref: ObjectRef, call: { signal?: AbortSignal } = {}): Promise<FluxStatusObject | undefined> {
  const r = resourceFor(ref.apiVersion, ref.kind);
  if (client.plan) return undefined; // dry-run reads answer as on a fresh cluster
  if (!r.group) throw new Error(`getObject reads Flux objects; ${ref.kind} is a core kind`);
  try {
    return (await client.custom.getNamespacedCustomObject(
      { group: r.group, version: r.version, namespace: ref.namespace!, plural: r.plural, name: ref.name },
      client.requestOptions(call),
    )) as FluxStatusObject;
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return undefined;
    throw err;
  }
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
