/** How a reconcile pass ends, written into conditions the way source-controller summarises them. */
import { ConditionType as T, Reason, removeCondition, setCondition, type Condition } from '../flux/conditions.js';
import type { Artifact, SourceStatus } from './status.js';

export class ReconcileError extends Error {
  constructor(
    /** Which negative condition the failure raises. */
    readonly conditionType: 'FetchFailed' | 'StorageOperationFailed' | 'SourceVerified' | 'Stalled',
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ReconcileError';
  }
}

const TRANSIENT = [T.FetchFailed, T.StorageOperationFailed, T.Reconciling, T.ArtifactOutdated, T.Stalled];

/** Ready=True with an artifact (new or unchanged). */
export function succeeded(prev: SourceStatus, generation: number, artifact: Artifact, message: string, extra: Partial<SourceStatus> = {}): SourceStatus {
  let conditions: Condition[] = prev.conditions;
  for (const t of TRANSIENT) conditions = removeCondition(conditions, t);
  conditions = setCondition(conditions, { type: T.ArtifactInStorage, status: 'True', reason: Reason.Succeeded, message, observedGeneration: generation });
  conditions = setCondition(conditions, { type: T.Ready, status: 'True', reason: Reason.Succeeded, message, observedGeneration: generation });
  return { ...prev, ...extra, observedGeneration: generation, conditions, artifact, url: artifact.url };
}

/**
 * Ready=False with the failure's reason and message; a previous artifact stays in storage.
 * A failure that will be retried also leaves Reconciling=True/ProgressingWithRetry, as the
 * real source-controller v1.9.5 does (seen on the rig after a registry or Git outage:
 * test/rig/scenarios.test.ts); a stalling one (Stalled=True) does not.
 */
export function failed(prev: SourceStatus, generation: number, err: ReconcileError): SourceStatus {
  let conditions = prev.conditions;
  for (const t of [T.Reconciling, T.ArtifactOutdated]) conditions = removeCondition(conditions, t);
  const status = err.conditionType === 'SourceVerified' ? 'False' : 'True';
  conditions = setCondition(conditions, { type: err.conditionType, status, reason: err.reason, message: err.message, observedGeneration: generation });
  if (err.conditionType !== 'Stalled') {
    conditions = setCondition(conditions, { type: T.Reconciling, status: 'True', reason: Reason.ProgressingWithRetry, message: err.message, observedGeneration: generation });
  }
  conditions = setCondition(conditions, { type: T.Ready, status: 'False', reason: err.reason, message: err.message, observedGeneration: generation });
  return { ...prev, observedGeneration: generation, conditions, lastFetch: 'failed' };
}

/** Ready=Unknown while a new revision is being fetched (shown live in the UI). */
export function progressing(prev: SourceStatus, generation: number, revision: string): SourceStatus {
  let conditions = setCondition(prev.conditions, {
    type: T.Reconciling,
    status: 'True',
    reason: Reason.Progressing,
    message: `building artifact: new upstream revision '${revision}'`,
    observedGeneration: generation,
  });
  if (prev.artifact) {
    conditions = setCondition(conditions, {
      type: T.ArtifactOutdated,
      status: 'True',
      reason: Reason.NewRevision,
      message: `new upstream revision '${revision}'`,
      observedGeneration: generation,
    });
  }
  conditions = setCondition(conditions, {
    type: T.Ready,
    status: 'Unknown',
    reason: Reason.Progressing,
    message: `building artifact: new upstream revision '${revision}'`,
    observedGeneration: generation,
  });
  return { ...prev, conditions };
}
