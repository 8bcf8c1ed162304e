import { describe, expect, it } from 'vitest';
import {
  artifactStoredPredicate,
  describeStatus,
  readyPredicate,
  reconciledPredicate,
  verifiedPredicate,
  type FluxStatusObject,
} from '../../src/flux/conditions.js';
import { toObjectEvents } from '../../src/kube/events.js';
import { reconcileDuration } from '../../src/kube/metrics.js';
import { ExpositionParseError, histogramDelta, parseExposition } from '../../src/kube/prometheus.js';
import { cpuMsBetween, podUsage, type StatsSummary } from '../../src/kube/stats.js';

const REV = `latest@sha256:${'c'.repeat(64)}`;

/** Status shapes as source-controller v1.9 writes them (FLUX-OCI-FACTS section 2). */
function oci(status: FluxStatusObject['status'], generation = 2): FluxStatusObject {
  return { metadata: { name: 'demo-oci', namespace: 'flux-system', generation, resourceVersion: '100' }, status: { observedGeneration: generation, ...status } };
}
const ready = oci({
  conditions: [
    { type: 'Ready', status: 'True', reason: 'Succeeded', message: `stored artifact for digest '${REV}'` },
    { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded', message: `stored artifact for digest '${REV}'` },
    { type: 'SourceVerified', status: 'True', reason: 'Succeeded', message: `verified signature of revision ${REV}` },
  ],
  artifact: { revision: REV, digest: `sha256:${'d'.repeat(64)}` },
  lastHandledReconcileAt: 'tok-1',
});
const verifyFailed = oci({
  conditions: [
    { type: 'Ready', status: 'False', reason: 'VerificationError', message: "failed to verify the signature using provider 'cosign': no matching signatures were found for 'kind-registry:5000/ocilab/demo@sha256:...'" },
    { type: 'SourceVerified', status: 'False', reason: 'VerificationError', message: 'no matching signatures' },
  ],
});
const progressing = oci({
  conditions: [
    { type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'building artifact' },
    { type: 'Ready', status: 'Unknown', reason: 'Progressing', message: 'reconciliation in progress' },
  ],
});
// What source-controller v1.9.5 reported on the rig for an unsigned push: it keeps Reconciling=True
// (ProgressingWithRetry) next to the failure while it backs off.
const verifyFailedRetrying = oci({
  conditions: [
    { type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry', message: "building artifact: new revision 'latest@sha256:5fa8' for '127.0.0.1:37169/ocilab/demo:latest'" },
    { type: 'Ready', status: 'False', reason: 'VerificationError', message: "failed to verify the signature using provider 'cosign': no matching signatures were found for '127.0.0.1:37169/ocilab/demo@sha256:5fa8'" },
    { type: 'SourceVerified', status: 'False', reason: 'VerificationError', message: "failed to verify the signature using provider 'cosign': no matching signatures were found for '127.0.0.1:37169/ocilab/demo@sha256:5fa8'" },
  ],
});
const staleGeneration = { ...ready, metadata: { ...ready.metadata, generation: 3 } };

describe('predicates over Flux status', () => {
  const rows: [string, ReturnType<typeof readyPredicate>, FluxStatusObject | undefined, object][] = [
    ['ready', readyPredicate(), ready, { done: true, ok: true }],
    ['ready at the wanted revision', readyPredicate({ revision: REV }), ready, { done: true, ok: true }],
    ['ready at an older revision: keep waiting', readyPredicate({ revision: 'v2@sha256:x' }), ready, { done: false }],
    ['spec not observed yet: keep waiting', readyPredicate(), staleGeneration, { done: false }],
    ['in progress: keep waiting', readyPredicate(), progressing, { done: false }],
    ['not there yet', readyPredicate(), undefined, { done: false }],
    ['verification failed ends the wait', readyPredicate(), verifyFailed, { done: true, ok: false, message: expect.stringContaining('VerificationError: failed to verify the signature') }],
    ['a failure the controller retries (ProgressingWithRetry) ends the wait', readyPredicate(), verifyFailedRetrying, { done: true, ok: false, message: expect.stringContaining('VerificationError: failed to verify') }],
    ['SourceVerified false while retrying', verifiedPredicate, verifyFailedRetrying, { done: true, ok: false }],
    ['SourceVerified true', verifiedPredicate, ready, { done: true, ok: true, message: `verified signature of revision ${REV}` }],
    ['SourceVerified false', verifiedPredicate, verifyFailed, { done: true, ok: false }],
    ['artifact stored', artifactStoredPredicate(REV), ready, { done: true, ok: true }],
    ['reconcile handled', reconciledPredicate('tok-1'), ready, { done: true, ok: true }],
    ['reconcile not handled yet', reconciledPredicate('tok-2'), ready, { done: false }],
  ];
  for (const [what, p, obj, verdict] of rows) it(what, () => expect(p(obj)).toMatchObject(verdict));

  it('Kustomization applied revision', () => {
    const ks: FluxStatusObject = {
      metadata: { generation: 1 },
      status: { observedGeneration: 1, lastAppliedRevision: REV, conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${REV}` }] },
    };
    expect(readyPredicate({ appliedRevision: REV })(ks)).toMatchObject({ done: true, ok: true });
    expect(readyPredicate({ appliedRevision: 'other' })(ks)).toEqual({ done: false });
  });

  it('describeStatus says what it saw', () => {
    expect(describeStatus(progressing)).toBe('Reconciling=True (Progressing: building artifact), Ready=Unknown (Progressing: reconciliation in progress)');
    expect(describeStatus(undefined)).toMatch(/no conditions yet/);
  });
});

// controller-runtime's /metrics as source-controller serves it (families abridged).
const METRICS = `# HELP gotk_reconcile_duration_seconds The duration in seconds of a GitOps Toolkit resource reconciliation.
# TYPE gotk_reconcile_duration_seconds histogram
gotk_reconcile_duration_seconds_bucket{kind="OCIRepository",name="demo-oci",namespace="flux-system",le="0.01"} 0
gotk_reconcile_duration_seconds_bucket{kind="OCIRepository",name="demo-oci",namespace="flux-system",le="0.038363583488692544"} 3
gotk_reconcile_duration_seconds_bucket{kind="OCIRepository",name="demo-oci",namespace="flux-system",le="0.1471764538093883"} 7
gotk_reconcile_duration_seconds_bucket{kind="OCIRepository",name="demo-oci",namespace="flux-system",le="0.5646216173286169"} 9
gotk_reconcile_duration_seconds_bucket{kind="OCIRepository",name="demo-oci",namespace="flux-system",le="+Inf"} 10
gotk_reconcile_duration_seconds_sum{kind="OCIRepository",name="demo-oci",namespace="flux-system"} 1.234
gotk_reconcile_duration_seconds_count{kind="OCIRepository",name="demo-oci",namespace="flux-system"} 10
gotk_reconcile_duration_seconds_bucket{kind="GitRepository",name="demo-git",namespace="flux-system",le="+Inf"} 4
gotk_reconcile_duration_seconds_sum{kind="GitRepository",name="demo-git",namespace="flux-system"} 2.5
gotk_reconcile_duration_seconds_count{kind="GitRepository",name="demo-git",namespace="flux-system"} 4
# HELP controller_runtime_reconcile_total Total number of reconciliations per controller
# TYPE controller_runtime_reconcile_total counter
controller_runtime_reconcile_total{controller="ocirepository",result="success"} 10
# HELP go_memstats_alloc_bytes Number of bytes allocated and still in use.
# TYPE go_memstats_alloc_bytes gauge
go_memstats_alloc_bytes 1.6517072e+07
weird_metric{msg="a \\"quoted\\" \\\\ and\\nnewline"} NaN 1700000000000
`;

describe('Prometheus exposition parser', () => {
  const exp = parseExposition(METRICS);
  it('reads types, values, escapes, NaN and timestamps', () => {
    expect(exp.types.gotk_reconcile_duration_seconds).toBe('histogram');
    expect(exp.samples.find((s) => s.name === 'go_memstats_alloc_bytes')?.value).toBe(16517072);
    const weird = exp.samples.find((s) => s.name === 'weird_metric')!;
    expect(weird.labels.msg).toBe('a "quoted" \\ and\nnewline');
    expect(weird.value).toBeNaN();
    expect(weird.timestampMs).toBe(1700000000000);
  });
  it('extracts gotk_reconcile_duration_seconds for one object', () => {
    const h = reconcileDuration(exp, { kind: 'OCIRepository', name: 'demo-oci', namespace: 'flux-system' })!;
    expect(h.count).toBe(10);
    expect(h.sum).toBeCloseTo(1.234);
    expect(h.buckets.map((b) => b.count)).toEqual([0, 3, 7, 9, 10]);
    expect(h.buckets.at(-1)!.le).toBe(Infinity);
    expect(reconcileDuration(exp, { kind: 'OCIRepository', name: 'nope', namespace: 'flux-system' })).toBeUndefined();
  });
  it('differences two readings', () => {
    const after = reconcileDuration(exp, { kind: 'GitRepository', name: 'demo-git', namespace: 'flux-system' })!;
    const before = { count: 3, sum: 2, buckets: [{ le: Infinity, count: 3 }] };
    expect(histogramDelta(before, after)).toEqual({ count: 1, sum: 0.5, buckets: [{ le: Infinity, count: 1 }] });
  });
  it('rejects malformed lines with the line number', () => {
    expect(() => parseExposition('ok 1\nbad{le="1" 2\n')).toThrow(ExpositionParseError);
    expect(() => parseExposition('ok 1\nbad{le="1" 2\n')).toThrow(/metrics line 2/);
    expect(() => parseExposition('name_without_value\n')).toThrow(/expected a sample value/);
  });
});

describe('kubelet stats summary', () => {
  // Shape from kubernetes.io node-metrics docs (fields abridged).
  const summary: StatsSummary = {
    node: { nodeName: 'ocilab-control-plane', cpu: { usageNanoCores: 250_000_000 } },
    pods: [
      {
        podRef: { name: 'source-controller-7d4b9c-x2x4z', namespace: 'flux-system' },
        cpu: { time: '2026-11-27T17:40:10Z', usageNanoCores: 3_200_000, usageCoreNanoSeconds: 12_500_000_000 },
        memory: { time: '2026-11-27T17:40:10Z', workingSetBytes: 41_000_000, usageBytes: 52_000_000, rssBytes: 30_000_000 },
        containers: [{ name: 'manager', cpu: { usageNanoCores: 3_100_000, usageCoreNanoSeconds: 12_400_000_000 }, memory: { workingSetBytes: 40_000_000, rssBytes: 29_000_000 } }],
      },
      { podRef: { name: 'coredns-1', namespace: 'kube-system' }, cpu: { usageNanoCores: 1 } },
    ],
  };
  it('picks one pod', () => {
    const u = podUsage(summary, { name: 'source-controller-7d4b9c-x2x4z', namespace: 'flux-system' })!;
    expect(u).toMatchObject({ cpuNanoCores: 3_200_000, cpuCoreNanoSeconds: 12_500_000_000, memoryWorkingSetBytes: 41_000_000, memoryRssBytes: 30_000_000, time: '2026-11-27T17:40:10Z' });
    expect(u.containers).toEqual([expect.objectContaining({ name: 'manager', memoryWorkingSetBytes: 40_000_000 })]);
    expect(podUsage(summary, { name: 'source-controller-7d4b9c-x2x4z', namespace: 'default' })).toBeUndefined();
  });
  it('CPU time between two readings', () => {
    expect(cpuMsBetween({ cpuCoreNanoSeconds: 12_000_000_000 }, { cpuCoreNanoSeconds: 12_500_000_000 })).toBe(500);
    expect(cpuMsBetween({}, { cpuCoreNanoSeconds: 1 })).toBeUndefined();
  });
});

describe('events', () => {
  it('maps core/v1 Events, oldest first', () => {
    const events = toObjectEvents([
      { type: 'Warning', reason: 'VerificationError', message: 'no matching signatures ', count: 2, lastTimestamp: new Date('2026-11-27T17:41:00Z'), source: { component: 'source-controller' } },
      { type: 'Normal', reason: 'NewArtifact', message: `stored artifact with revision '${REV}' from 'oci://kind-registry:5000/ocilab/demo'`, eventTime: '2026-11-27T17:40:00.000000Z', reportingComponent: 'source-controller' },
    ]);
    expect(events.map((e) => e.reason)).toEqual(['NewArtifact', 'VerificationError']);
    expect(events[1]).toEqual({ type: 'Warning', reason: 'VerificationError', message: 'no matching signatures', count: 2, time: '2026-11-27T17:41:00.000Z', source: 'source-controller' });
  });
});
