/**
 * Delivering Flux objects to a real cluster (kind and cluster targets): server-side apply
 * with the ownership label, waits on the controllers' conditions, `flux reconcile`'s
 * annotation, and deletion of exactly the objects this run applied.
 */
import { ApiException } from '@kubernetes/client-node';
import { applyObject, type ApplicableObject } from '../kube/apply.js';
import type { KubeClient } from '../kube/client.js';
import {
  artifactStoredPredicate,
  describeStatus,
  readyPredicate,
  RECONCILE_ANNOTATION,
  reconciledPredicate,
  revisionOf,
  verifiedPredicate,
  type FluxStatusObject,
  type StatusPredicate,
} from '../flux/conditions.js';
import { describeRef } from '../kube/objects.js';
import { reconcileAndWait } from '../kube/reconcile.js';
import { objectPath, refOf, resourceFor, type ObjectRef } from '../kube/resources.js';
import { waitFor, WaitTimeoutError, type WaitResult } from '../kube/watch.js';
import { TargetError, withOwnershipLabel, type TargetContext, type TargetObject, type WaitOutcome, type WaitRequest } from './target.js';

export function predicateFor(req: WaitRequest, kind: string): StatusPredicate {
  if (req.predicate) return req.predicate;
  switch (req.condition) {
    case 'SourceVerified':
      return verifiedPredicate;
    case 'ArtifactInStorage':
      return artifactStoredPredicate(req.revision);
    case 'Ready':
      return kind === 'Kustomization' ? readyPredicate({ appliedRevision: req.revision }) : readyPredicate({ revision: req.revision });
  }
}


function outcomeOf(r: WaitResult): WaitOutcome {
  const revision = revisionOf(r.object);
  return { ok: r.ok, message: r.message, elapsedMs: r.elapsedMs, ...(revision ? { revision } : {}), ...(r.object ? { object: r.object } : {}) };
}

/** Logs each distinct status line once, so the live pane shows progress without a flood. */
function statusLogger(ctx: TargetContext, ref: ObjectRef): (obj: FluxStatusObject | undefined) => void {
  let last = '';
  return (obj) => {
    const line = obj ? describeStatus(obj) : 'not found (yet)';
    if (line !== last) ctx.log(`${describeRef(ref)}: ${line}`);
    last = line;
  };
}

/** A dry-run plan shows this where a real run writes the current time (RFC 3339). */
const PLANNED_TOKEN = '<now, RFC 3339>';

const isFluxObject = (apiVersion: string) => /\.toolkit\.fluxcd\.io\//.test(apiVersion);
const refKey = (ref: ObjectRef) => `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;

export class KubeDelivery {
  /** Objects applied by this run, in order, for teardown. */
  private readonly applied: ObjectRef[] = [];
  /**
   * The reconcile request (reconcile.fluxcd.io/requestedAt) of each Flux object, written when this
   * run applied it or asked for a reconcile: a wait accepts only the status of a reconcile that
   * handled it. On a cluster kept from an earlier run (a rehearsal, then the talk) the object is
   * there already, Ready for the old artifact, and an apply with the same spec starts no
   * reconcile: without this a wait passed at once on that old status, and the next one waited
   * for a revision the controller would not fetch before its interval.
   */
  private readonly requested = new Map<string, string>();

  constructor(readonly client: KubeClient) {}

  async apply(object: TargetObject, ctx: TargetContext): Promise<void> {
    const token = isFluxObject(object.apiVersion) ? (this.client.plan ? PLANNED_TOKEN : new Date().toISOString()) : undefined;
    const requested = token ? { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [RECONCILE_ANNOTATION]: token } } } : object;
    const labelled = withOwnershipLabel(requested) as unknown as ApplicableObject;
    try {
      await applyObject(this.client, labelled, { signal: ctx.signal });
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) {
        const where = labelled.metadata.namespace ? ` in namespace ${labelled.metadata.namespace}` : '';
        throw new TargetError(
          `cannot apply ${object.kind} ${object.metadata.name}${where}: the API server answered 404 — it does not serve ${object.apiVersion} ${object.kind} (its CRD is not installed${object.kind === 'HelmRelease' ? ': HelmRelease needs helm-controller' : ''}) or the namespace does not exist`,
        );
      }
      throw err;
    }
    const ref = refOf(labelled);
    if (token) this.requested.set(refKey(ref), token);
    if (!this.applied.some((r) => sameRef(r, ref))) this.applied.push(ref);
    ctx.log(`${this.client.plan ? 'would apply' : 'applied'} ${describeRef(ref)}`);
  }

  async wait(ref: ObjectRef, req: WaitRequest, ctx: TargetContext): Promise<WaitOutcome> {
    this.planWatch(ref, req);
    try {
      const token = this.requested.get(refKey(ref));
      const predicate = token ? reconciledPredicate(token, predicateFor(req, ref.kind)) : predicateFor(req, ref.kind);
      return outcomeOf(await waitFor(this.client, ref, predicate, { timeoutMs: req.timeoutMs, signal: ctx.signal, onUpdate: statusLogger(ctx, ref) }));
    } catch (err) {
      if (err instanceof WaitTimeoutError) return { ok: false, message: err.message, elapsedMs: err.timeoutMs, ...(err.last ? { object: err.last } : {}) };
      throw err;
    }
  }

  async reconcile(ref: ObjectRef, req: WaitRequest, ctx: TargetContext): Promise<WaitOutcome> {
    try {
      const token = this.client.plan ? PLANNED_TOKEN : new Date().toISOString();
      this.planWatch(ref, req);
      this.requested.set(refKey(ref), token);
      const r = await reconcileAndWait(this.client, ref, { token, timeoutMs: req.timeoutMs, signal: ctx.signal, predicate: predicateFor(req, ref.kind), onUpdate: statusLogger(ctx, ref) });
      return outcomeOf(r);
    } catch (err) {
      if (err instanceof WaitTimeoutError) return { ok: false, message: err.message, elapsedMs: err.timeoutMs, ...(err.last ? { object: err.last } : {}) };
      throw err;
    }
  }

  /** Dry-run: show the watch a real run would follow, and until what. */
  private planWatch(ref: ObjectRef, req: WaitRequest): void {
    if (!this.client.plan) return;
    const query = `fieldSelector=${encodeURIComponent(`metadata.name=${ref.name}`)}&watch=true`;
    const timeout = `(timeout ${Math.round(req.timeoutMs / 1000)}s)`;
    const until = req.describe
      ? `${req.describe} ${timeout}`
      : `${req.condition}=True${req.revision ? ` at revision ${req.revision}` : ''}, or Flux's failure reason ${timeout}`;
    this.client.plan.request('GET', `${objectPath({ ...ref, name: undefined })}?${query}`, undefined, `wait for ${describeRef(ref)}: ${until}`);
  }

  /** Delete what this run applied, newest first (Kustomizations before their sources). */
  async deleteApplied(ctx: TargetContext): Promise<string[]> {
    const lines: string[] = [];
    for (const ref of [...this.applied].reverse()) {
      await deleteObject(this.client, ref, ctx.signal);
      lines.push(`${this.client.plan ? 'would delete' : 'deleted'} ${describeRef(ref)}`);
    }
    this.applied.length = 0;
    return lines;
  }
}

function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.apiVersion === b.apiVersion && a.kind === b.kind && a.name === b.name && a.namespace === b.namespace;
}

/** DELETE one object; a 404 (already gone) is fine. In dry-run the request is recorded. */
export async function deleteObject(client: KubeClient, ref: ObjectRef, signal?: AbortSignal): Promise<void> {
  if (client.plan) {
    client.plan.request('DELETE', objectPath(ref), undefined, `delete ${describeRef(ref)}`);
    return;
  }
  const r = resourceFor(ref.apiVersion, ref.kind);
  const options = client.requestOptions({ signal });
  try {
    if (r.group) {
      await client.custom.deleteNamespacedCustomObject({ group: r.group, version: r.version, namespace: ref.namespace!, plural: r.plural, name: ref.name }, options);
    } else if (ref.kind === 'Secret') {
      await client.core.deleteNamespacedSecret({ name: ref.name, namespace: ref.namespace! }, options);
    } else if (ref.kind === 'ConfigMap') {
      await client.core.deleteNamespacedConfigMap({ name: ref.name, namespace: ref.namespace! }, options);
    } else if (ref.kind === 'Namespace') {
      await client.core.deleteNamespace({ name: ref.name }, options);
    } else {
      throw new Error(`deleteObject: no delete route for ${ref.kind}`);
    }
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return;
    throw err;
  }
}
