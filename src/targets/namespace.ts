/**
 * One namespace per attendee on a shared workshop cluster: `ocilab-<user>` by default,
 * created with the ownership label when absent, left alone (never labelled, never deleted)
 * when it already existed.
 */
import { ApiException } from '@kubernetes/client-node';
import { userInfo } from 'node:os';
import { applyObject } from '../kube/apply.js';
import type { KubeClient } from '../kube/client.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, TargetError } from './target.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `ocilab-<user>`, lower-cased, other characters turned into '-', at most 63 characters. */
export function attendeeNamespace(user: string = currentUser()): string {
  const slug = user
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-');
  const ns = `ocilab-${slug || 'attendee'}`.slice(0, 63).replace(/-+$/, '');
  return ns;
}

function currentUser(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? 'attendee';
  }
}

export function checkNamespace(ns: string): string {
  if (!DNS1123_LABEL.test(ns) || ns.length > 63) {
    throw new TargetError(`--namespace "${ns}" is not a valid namespace name (lower-case letters, digits and '-', at most 63)`);
  }
  return ns;
}

/** Returns 'created', or 'existing' for a namespace ocilab did not create (and will not delete). */
export async function ensureNamespace(client: KubeClient, name: string, signal?: AbortSignal): Promise<'created' | 'existing' | 'ours'> {
  if (!client.plan) {
    try {
      const ns = await client.core.readNamespace({ name }, client.requestOptions({ signal }));
      return ns.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE ? 'ours' : 'existing';
    } catch (err) {
      if (!(err instanceof ApiException && err.code === 404)) throw err;
    }
  }
  await applyObject(client, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } } } as never, { signal });
  return 'created';
}
