/**
 * Trigger a Flux reconcile the way `flux reconcile` does: set the annotation
 * reconcile.fluxcd.io/requestedAt=<token> (merge patch), then wait for
 * status.lastHandledReconcileAt == <token>. The time between the two is the reconcile's
 * wall time as the controller handled it (condition timestamps only have 1 s resolution).
 */
import { PatchStrategy } from '@kubernetes/client-node';
import type { KubeClient } from './client.js';
import { RECONCILE_ANNOTATION, readyPredicate, reconciledPredicate, type StatusPredicate } from '../flux/conditions.js';
import { objectPath, resourceFor, type ObjectRef } from './resources.js';
import { waitFor, type WaitOptions, type WaitResult } from './watch.js';

export function reconcilePatch(token: string) {
  return { metadata: { annotations: { [RECONCILE_ANNOTATION]: token } } };
}

/** Returns the token written (flux uses RFC3339Nano; an ISO timestamp is equally unique per request). */
export async function requestReconcile(
  client: KubeClient,
  ref: ObjectRef,
  call: { signal?: AbortSignal; token?: string } = {},
): Promise<string> {
  const token = call.token ?? new Date().toISOString();
  const body = reconcilePatch(token);
  if (client.plan) {
    client.plan.request('PATCH', objectPath(ref), JSON.stringify(body), `reconcile ${ref.kind} ${ref.namespace}/${ref.name}`);
    return token;
  }
  const r = resourceFor(ref.apiVersion, ref.kind);
  await client.custom.patchNamespacedCustomObject(
    { group: r.group, version: r.version, namespace: ref.namespace!, plural: r.plural, name: ref.name, body },
    client.requestOptions({ signal: call.signal, headers: { 'Content-Type': PatchStrategy.MergePatch } }),
  );
  return token;
}

export interface ReconcileResult extends WaitResult {
  token: string;
}

export async function reconcileAndWait(
  client: KubeClient,
  ref: ObjectRef,
  opts: WaitOptions & { predicate?: StatusPredicate; token?: string },
): Promise<ReconcileResult> {
  const token = await requestReconcile(client, ref, { signal: opts.signal, token: opts.token });
  if (client.plan) return { token, ok: true, message: 'dry-run: not waited for', object: undefined, elapsedMs: 0 };
  const result = await waitFor(client, ref, reconciledPredicate(token, opts.predicate ?? readyPredicate()), opts);
  return { ...result, token };
}
