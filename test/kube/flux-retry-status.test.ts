/**
 * Status shapes source-controller v1.9.5 really writes on a failed reconcile (captured on the
 * rig, test/rig/verify.test.ts, 2026-11-27): Ready=False next to Reconciling=True with reason
 * ProgressingWithRetry, conditions at observedGeneration 1, status.observedGeneration still -1.
 * The predicates must end on them (the failure), not wait until their timeout.
 */
import { describe, expect, it } from 'vitest';
import { isConditionCurrent, isRetrying, readyPredicate, reconciledPredicate, verifiedPredicate, type FluxStatusObject } from '../../src/flux/conditions.js';

const REV = 'v1@sha256:7ded718702d3b0f285d75061f3fdfea396cd5fe08f96eaaa2bf1aee02a97cbff';
const FAILED = "failed to verify the signature using provider 'cosign': no matching signatures were found for '127.0.0.1:41249/rig/unsigned@sha256:7ded718702d3b0f285d75061f3fdfea396cd5fe08f96eaaa2bf1aee02a97cbff'";

function retrying(generation: number, conditionGeneration: number, extra: FluxStatusObject['status'] = {}): FluxStatusObject {
  const c = (type: string, status: 'True' | 'False', reason: string, message: string) => ({ type, status, reason, message, observedGeneration: conditionGeneration, lastTransitionTime: '2026-11-27T20:41:09Z' });
  return {
    metadata: { name: 'unsigned', namespace: 'flux-system', generation },
    status: {
      observedGeneration: -1,
      conditions: [
        c('Reconciling', 'True', 'ProgressingWithRetry', `building artifact: new revision '${REV}' for '127.0.0.1:41249/rig/unsigned:v1'`),
        c('Ready', 'False', 'VerificationError', FAILED),
        c('SourceVerified', 'False', 'VerificationError', FAILED),
      ],
      ...extra,
    },
  };
}

// The pull failed (registry gone): Flux drops SourceVerified and reports FetchFailed.
const pullFailed: FluxStatusObject = {
  metadata: { generation: 1 },
  status: {
    observedGeneration: -1,
    conditions: [
      { type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry', message: 'building artifact', observedGeneration: 1 },
      { type: 'Ready', status: 'False', reason: 'OCIArtifactPullFailed', message: 'failed to determine artifact digest: connection refused', observedGeneration: 1 },
      { type: 'FetchFailed', status: 'True', reason: 'OCIArtifactPullFailed', message: 'failed to determine artifact digest: connection refused', observedGeneration: 1 },
    ],
  },
};

// A new generation is being worked on: Reconciling=True, reason Progressing.
const progressingNewGeneration: FluxStatusObject = {
  metadata: { generation: 2 },
  status: {
    observedGeneration: 1,
    conditions: [
      { type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'processing object: new generation 1 -> 2', observedGeneration: 2 },
      { type: 'Ready', status: 'False', reason: 'VerificationError', message: FAILED, observedGeneration: 1 },
    ],
  },
};

describe('predicates over the status of a failed Flux reconcile (retry scheduled)', () => {
  it('isRetrying / isConditionCurrent read the condition, not status.observedGeneration', () => {
    const obj = retrying(1, 1);
    expect(isRetrying(obj)).toBe(true);
    expect(isConditionCurrent(obj, obj.status!.conditions![1]!)).toBe(true);
    expect(isConditionCurrent(retrying(2, 1), obj.status!.conditions![1]!)).toBe(false);
  });

  it('readyPredicate ends with the VerificationError', () => {
    expect(readyPredicate()(retrying(1, 1))).toEqual({ done: true, ok: false, message: `VerificationError: ${FAILED}` });
    expect(readyPredicate({ revision: REV })(retrying(1, 1))).toMatchObject({ done: true, ok: false });
  });

  it('verifiedPredicate ends with the VerificationError', () => {
    expect(verifiedPredicate(retrying(1, 1))).toEqual({ done: true, ok: false, message: `VerificationError: ${FAILED}` });
  });

  it('a failure of an older generation does not end the wait (the new spec is not handled yet)', () => {
    expect(readyPredicate()(retrying(2, 1))).toEqual({ done: false });
    expect(verifiedPredicate(retrying(2, 1))).toEqual({ done: false });
    expect(readyPredicate()(progressingNewGeneration)).toEqual({ done: false });
    expect(verifiedPredicate(progressingNewGeneration)).toEqual({ done: false });
  });

  it('a failed pull ends a wait for SourceVerified (Flux dropped the condition)', () => {
    expect(verifiedPredicate(pullFailed)).toMatchObject({ done: true, ok: false, message: expect.stringContaining('OCIArtifactPullFailed') });
  });

  it('failOnNotReady: false keeps waiting through failures', () => {
    expect(readyPredicate({ failOnNotReady: false })(retrying(1, 1))).toEqual({ done: false });
  });

  it('a requested reconcile that failed ends with the failure once handled', () => {
    const handled = retrying(1, 1, { lastHandledReconcileAt: 'tok' });
    expect(reconciledPredicate('tok')(handled)).toMatchObject({ done: true, ok: false });
    expect(reconciledPredicate('other')(handled)).toEqual({ done: false });
  });
});
