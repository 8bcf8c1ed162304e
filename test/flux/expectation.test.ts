/**
 * mismatches: each way a Flux object's status differs from what a scenario step expects, in
 * one sentence; the local reconciler's status and an API server's are read alike.
 */
import { describe, expect, it } from 'vitest';
import type { FluxStatusObject } from '../../src/flux/conditions.js';
import { ConditionExpectationSchema, describeObject, mismatches } from '../../src/flux/expectation.js';
import type { SourceStatus } from '../../src/reconcile/status.js';

const rev1 = `latest@sha256:${'a'.repeat(64)}`;
const status: SourceStatus = {
  observedGeneration: 1,
  artifact: { revision: rev1, digest: 'sha256:x', path: 'p', url: 'file:///p', size: 1, lastUpdateTime: '2026-11-27T00:00:00Z' },
  conditions: [
    { type: 'Ready', status: 'False', reason: 'VerificationError', message: "failed to verify the signature using provider 'cosign': no matching signatures", lastTransitionTime: '', observedGeneration: 1 },
    { type: 'SourceVerified', status: 'False', reason: 'VerificationError', message: "failed to verify the signature using provider 'cosign': no matching signatures", lastTransitionTime: '', observedGeneration: 1 },
  ],
};
const refused: FluxStatusObject = { metadata: { name: 'app', namespace: 'flux-system', generation: 1 }, status };

describe('mismatches', () => {
  it.each([
    ['matches status, reason, message part and revision', { conditions: { SourceVerified: { status: 'False' as const, reason: 'VerificationError', message: 'no matching' } }, revision: rev1 }, []],
    ['a wrong status names what is there and what was expected', { conditions: { SourceVerified: { status: 'True' as const, reason: 'Succeeded' } } }, [/^SourceVerified is False\/VerificationError \(".*"\), expected True\/Succeeded$/]],
    ['a missing message part', { conditions: { Ready: { message: 'not signed' } } }, [/^Ready message ".*" does not contain "not signed"$/]],
    ['an absent condition', { conditions: { FetchFailed: { status: 'True' as const } } }, [/^FetchFailed is not set, expected True$/]],
    ['another revision in use', { conditions: {}, revision: 'latest@sha256:b' }, [/^the revision in use is latest@sha256:a+, expected latest@sha256:b$/]],
  ])('%s', (_name, want, expected) => {
    const got = mismatches(refused, want);
    expect(got).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(got[i]).toMatch(re));
  });

  it('says when no revision is in use, and when the object does not exist', () => {
    expect(mismatches({ status: { observedGeneration: -1, conditions: [] } }, { conditions: {}, revision: rev1 })).toEqual([`no revision in use yet, expected ${rev1}`]);
    expect(mismatches(undefined, { conditions: {} })).toEqual(['it does not exist (apply it first)']);
  });

  it('accepts YAML booleans for the status', () => {
    expect(ConditionExpectationSchema.parse({ status: false })).toEqual({ status: 'False' });
    expect(ConditionExpectationSchema.parse({ status: true })).toEqual({ status: 'True' });
    expect(ConditionExpectationSchema.safeParse({ status: 'Flase' }).success).toBe(false);
    expect(ConditionExpectationSchema.safeParse({ stauts: 'False' }).success).toBe(false);
  });

  it('describes the revision in use and every condition', () => {
    expect(describeObject('OCIRepository/app', refused)).toEqual([
      `OCIRepository/app: revision ${rev1}  ready False  ${status.conditions[0]!.message}`,
      `  Ready=False VerificationError: ${status.conditions[0]!.message}`,
      `  SourceVerified=False VerificationError: ${status.conditions[1]!.message}`,
    ]);
  });
});
