/**
 * Flux status conditions, the one model for every target: the local reconciler writes them
 * (with the types, reasons and message shapes source-controller uses: api/v1/condition_types.go,
 * fluxcd/pkg apis/meta), the kind and cluster targets read them from the API, and the same
 * predicates decide a wait on both. Reading: conditions (Ready, SourceVerified,
 * ArtifactInStorage, ...), artifact revision, lastHandledReconcileAt, Kustomization
 * lastAppliedRevision; pure functions over the object as the API returns it.
 */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/**
 * metav1.Condition. As read from an API server, only type and status are relied on; the
 * local reconciler always writes reason, message, lastTransitionTime and observedGeneration.
 */
export interface Condition {
  type: string;
  status: ConditionStatus;
  reason?: string;
  message?: string;
  observedGeneration?: number;
  /** RFC 3339, second resolution like metav1.Time. */
  lastTransitionTime?: string;
}

export interface FluxStatusObject {
  metadata?: { name?: string; namespace?: string; generation?: number; resourceVersion?: string; annotations?: Record<string, string> };
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    lastHandledReconcileAt?: string;
    artifact?: { revision?: string; digest?: string; size?: number; url?: string; path?: string; lastUpdateTime?: string };
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    /** HelmRelease: the releases, newest first. */
    history?: { chartName?: string; chartVersion?: string; status?: string; version?: number }[];
  };
}

/** status.artifact.revision (sources), status.lastAppliedRevision (Kustomization), the deployed chart version (HelmRelease). */
export function revisionOf(obj: FluxStatusObject | undefined): string | undefined {
  return obj?.status?.artifact?.revision ?? obj?.status?.lastAppliedRevision ?? obj?.status?.history?.[0]?.chartVersion;
}

export const RECONCILE_ANNOTATION = 'reconcile.fluxcd.io/requestedAt';

export function condition(obj: FluxStatusObject | undefined, type: string): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

export function isTrue(obj: FluxStatusObject | undefined, type: string): boolean {
  return condition(obj, type)?.status === 'True';
}

/** The controller has seen the current spec (status.observedGeneration == metadata.generation). */
export function isObserved(obj: FluxStatusObject | undefined): boolean {
  const gen = obj?.metadata?.generation;
  return gen === undefined || obj?.status?.observedGeneration === gen;
}

/** Reconciling/Stalled are present only while True (negative polarity). */
export function isProgressing(obj: FluxStatusObject | undefined): boolean {
  return isTrue(obj, 'Reconciling');
}

/** Still working on it: Reconciling=True for any reason but a retry after a failure. */
export function isWorking(obj: FluxStatusObject | undefined): boolean {
  return isProgressing(obj) && !isRetrying(obj);
}

/** A predicate's verdict: done (with success or failure) or keep waiting. */
export type Verdict = { done: true; ok: boolean; message: string } | { done: false };

export type StatusPredicate = (obj: FluxStatusObject | undefined) => Verdict;

const WAIT: Verdict = { done: false };

/**
 * The condition was written for the current spec. Its own observedGeneration says so; Flux
 * leaves status.observedGeneration behind (-1 on a new object) until a reconcile succeeds,
 * so a failure is only visible there.
 */
export function isConditionCurrent(obj: FluxStatusObject | undefined, c: Condition): boolean {
  const gen = obj?.metadata?.generation;
  if (gen === undefined) return true;
  return c.observedGeneration !== undefined ? c.observedGeneration === gen : obj?.status?.observedGeneration === gen;
}

/**
 * Reconciling=True with reason ProgressingWithRetry: the last attempt failed and the controller
 * will retry (fluxcd/pkg runtime). Flux keeps it next to Ready=False after a failure, so it
 * does not mean "wait for the outcome" the way reason Progressing does.
 */
export function isRetrying(obj: FluxStatusObject | undefined): boolean {
  const c = condition(obj, 'Reconciling');
  return c?.status === 'True' && c.reason === 'ProgressingWithRetry';
}

/** Ready=False written for the current generation by a finished attempt: the failure, or undefined. */
export function currentFailure(obj: FluxStatusObject | undefined): Verdict | undefined {
  const ready = condition(obj, 'Ready');
  if (ready?.status !== 'False' || !isConditionCurrent(obj, ready)) return undefined;
  if (isProgressing(obj) && !isRetrying(obj)) return undefined;
  return { done: true, ok: false, message: `${ready.reason ?? 'NotReady'}: ${ready.message ?? ''}`.trim() };
}

/**
 * Ready=True for the current generation (optionally at a given artifact revision or a
 * given applied revision); Ready=False with a terminal reason, Ready=False for the current
 * generation with a retry scheduled (Reconciling=True, ProgressingWithRetry: how Flux reports
 * a failed pull, clone or verification) or Stalled=True ends the wait as a failure carrying
 * the controller's message.
 */
export function readyPredicate(opts: { revision?: string; appliedRevision?: string; failOnNotReady?: boolean } = {}): StatusPredicate {
  return (obj) => {
    if (!obj) return WAIT;
    const stalled = condition(obj, 'Stalled');
    if (stalled?.status === 'True' && isConditionCurrent(obj, stalled)) return { done: true, ok: false, message: stalled.message ?? 'stalled' };
    const ready = condition(obj, 'Ready');
    if (isObserved(obj) && ready?.status === 'True' && !isProgressing(obj)) {
      if (opts.revision && obj.status?.artifact?.revision !== opts.revision) return WAIT;
      if (opts.appliedRevision && obj.status?.lastAppliedRevision !== opts.appliedRevision) return WAIT;
      return { done: true, ok: true, message: ready.message ?? 'Ready' };
    }
    if (opts.failOnNotReady ?? true) return currentFailure(obj) ?? WAIT;
    return WAIT;
  };
}

/**
 * SourceVerified=True (signature checked), or False with the verification error (also while
 * Flux schedules a retry). A source that failed before verifying (Ready=False for the current
 * generation, e.g. the pull failed: Flux then drops SourceVerified) ends the wait too.
 */
export const verifiedPredicate: StatusPredicate = (obj) => {
  const c = condition(obj, 'SourceVerified');
  if (c && isConditionCurrent(obj, c)) {
    if (c.status === 'True' && isObserved(obj)) return { done: true, ok: true, message: c.message ?? 'verified' };
    if (c.status === 'False' && (!isProgressing(obj) || isRetrying(obj))) {
      return { done: true, ok: false, message: `${c.reason ?? 'VerificationError'}: ${c.message ?? ''}`.trim() };
    }
    return WAIT;
  }
  return currentFailure(obj) ?? WAIT;
};

/** ArtifactInStorage=True, optionally for a given revision. */
export function artifactStoredPredicate(revision?: string): StatusPredicate {
  return (obj) => {
    const c = condition(obj, 'ArtifactInStorage');
    if (c?.status !== 'True') return WAIT;
    if (revision && obj?.status?.artifact?.revision !== revision) return WAIT;
    return { done: true, ok: true, message: c.message ?? 'stored' };
  };
}

/** The reconcile requested with `token` has been handled, and the object is Ready (or failed). */
export function reconciledPredicate(token: string, inner: StatusPredicate = readyPredicate()): StatusPredicate {
  return (obj) => (obj?.status?.lastHandledReconcileAt === token ? inner(obj) : WAIT);
}

/** One line for logs and timeouts: "Ready=False (VerificationError: ...), Reconciling=True". */
export function describeStatus(obj: FluxStatusObject | undefined): string {
  const cs = obj?.status?.conditions ?? [];
  if (cs.length === 0) return 'no conditions yet (is the controller running?)';
  return cs.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`).join(', ');
}

// Writing conditions as source-controller does (the local reconciler). Negative-polarity
// types (FetchFailed, Reconciling, ArtifactOutdated, Stalled) are present only while True.

export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  ArtifactInStorage: 'ArtifactInStorage',
  ArtifactOutdated: 'ArtifactOutdated',
  SourceVerified: 'SourceVerified',
  FetchFailed: 'FetchFailed',
  StorageOperationFailed: 'StorageOperationFailed',
} as const;

export const Reason = {
  Succeeded: 'Succeeded',
  Progressing: 'Progressing',
  ProgressingWithRetry: 'ProgressingWithRetry',
  Failed: 'Failed',
  NewRevision: 'NewRevision',
  GitOperationFailed: 'GitOperationFailed',
  GitOperationSucceeded: 'GitOperationSucceeded',
  AuthenticationFailed: 'AuthenticationFailed',
  OCIArtifactPullFailed: 'OCIArtifactPullFailed',
  OCIArtifactLayerOperationFailed: 'OCIArtifactLayerOperationFailed',
  ReadOperationFailed: 'ReadOperationFailed',
  URLInvalid: 'URLInvalid',
  VerificationError: 'VerificationError',
  ArchiveOperationFailed: 'ArchiveOperationFailed',
  ArtifactUpToDate: 'ArtifactUpToDate',
  NewArtifact: 'NewArtifact',
  UnsupportedByLocalReconciler: 'UnsupportedByLocalReconciler',
} as const;

export function nowRfc3339(now = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Set a condition; lastTransitionTime moves only when the status changes (as in fluxcd/pkg). */
/** A condition as the local reconciler writes it: every field set. */
export type WrittenCondition = Required<Condition>;

export function setCondition(list: Condition[], c: Omit<WrittenCondition, 'lastTransitionTime'>, now = new Date()): Condition[] {
  const prev = list.find((x) => x.type === c.type);
  const next: Condition = {
    ...c,
    lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : nowRfc3339(now),
  };
  return sortConditions([...list.filter((x) => x.type !== c.type), next]);
}

export function removeCondition(list: Condition[], type: string): Condition[] {
  return list.filter((x) => x.type !== type);
}

export function getCondition(list: Condition[], type: string): Condition | undefined {
  return list.find((x) => x.type === type);
}

/** Ready first, then the rest in a stable order, like `kubectl get -o yaml` after summarize. */
function sortConditions(list: Condition[]): Condition[] {
  const order = Object.values(ConditionType) as string[];
  return [...list].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}
