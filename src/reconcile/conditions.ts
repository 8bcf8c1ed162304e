/**
 * Status conditions with the types, reasons and message shapes source-controller uses
 * (api/v1/condition_types.go, fluxcd/pkg apis/meta), so the UI shows the words a
 * `flux get sources` user sees. Negative-polarity types (FetchFailed, Reconciling,
 * ArtifactOutdated, Stalled) are present only while True.
 */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  /** RFC 3339, second resolution like metav1.Time. */
  lastTransitionTime: string;
  observedGeneration: number;
}

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
export function setCondition(list: Condition[], c: Omit<Condition, 'lastTransitionTime'>, now = new Date()): Condition[] {
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
