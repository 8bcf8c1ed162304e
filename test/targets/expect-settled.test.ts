/**
 * flux.expect's "the reconcile has been handled" predicate decides failure with
 * conditions.ts's currentFailure (like every other wait) instead of its own
 * `isObserved && !isWorking` test. Same verdicts as before on every status shape below,
 * except one: a failure for a new generation where Flux left status.observedGeneration behind
 * (it moves only on success), which the old test waited on until the timeout.
 */
import { describe, expect, it } from 'vitest';
import { condition, isObserved, isWorking, type Condition, type FluxStatusObject, type StatusPredicate } from '../../src/flux/conditions.js';
import { reconcileSettled } from '../../src/targets/expect.js';

/** The predicate as it was (src/targets/expect.ts before the change), the reference. */
const before: StatusPredicate = (obj) => {
  if (!obj) return { done: true, ok: false, message: 'not found' };
  const ready = condition(obj, 'Ready')?.status;
  return isObserved(obj) && !isWorking(obj) && (ready === 'True' || ready === 'False') ? { done: true, ok: true, message: 'reconciled' } : { done: false };
};

const c = (type: string, status: Condition['status'], reason: string, observedGeneration = 2): Condition => ({ type, status, reason, message: `${type} ${reason}`, observedGeneration });
const obj = (observedGeneration: number, ...conditions: Condition[]): FluxStatusObject => ({ metadata: { name: 'fleet-oci', generation: 2 }, status: { observedGeneration, conditions } });

const SAME: [string, FluxStatusObject | undefined][] = [
  ['missing object', undefined],
  ['Ready=True, observed', obj(2, c('Ready', 'True', 'Succeeded'))],
  ['Ready=True, not observed yet', obj(1, c('Ready', 'True', 'Succeeded', 1))],
  ['Ready=True while Reconciling=True/Progressing', obj(2, c('Ready', 'True', 'Succeeded'), c('Reconciling', 'True', 'Progressing'))],
  ['Ready=True while a retry is scheduled (ProgressingWithRetry)', obj(2, c('Ready', 'True', 'Succeeded'), c('Reconciling', 'True', 'ProgressingWithRetry'))],
  ['Ready=Unknown, Reconciling', obj(2, c('Ready', 'Unknown', 'Progressing'), c('Reconciling', 'True', 'Progressing'))],
  ['Ready=False, observed, finished', obj(2, c('Ready', 'False', 'VerificationError'))],
  ['Ready=False, retry scheduled (ProgressingWithRetry)', obj(2, c('Ready', 'False', 'GitOperationFailed'), c('Reconciling', 'True', 'ProgressingWithRetry'))],
  ['Ready=False while Reconciling=True/Progressing', obj(2, c('Ready', 'False', 'ArtifactFailed'), c('Reconciling', 'True', 'Progressing'))],
  ['Ready=False of the previous generation, not observed', obj(1, c('Ready', 'False', 'VerificationError', 1))],
  ['no conditions yet', obj(-1)],
  ['Stalled=True, Ready=False', obj(2, c('Ready', 'False', 'InvalidURL'), c('Stalled', 'True', 'InvalidURL'))],
];

describe("flux.expect's reconcileSettled on conditions.ts's currentFailure", () => {
  it.each(SAME)('same verdict as before: %s', (_name, o) => {
    expect(reconcileSettled(o)).toEqual(before(o));
  });

  it('a failure for the new generation with status.observedGeneration left behind now ends the wait (it used to time out)', () => {
    const failedNewGen = obj(1, c('Ready', 'False', 'VerificationError', 2), c('Reconciling', 'True', 'ProgressingWithRetry', 2));
    expect(before(failedNewGen)).toEqual({ done: false });
    expect(reconcileSettled(failedNewGen)).toEqual({ done: true, ok: true, message: 'reconciled' });
  });
});
