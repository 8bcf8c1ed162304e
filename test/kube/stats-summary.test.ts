/**
 * The kubelet summary parser (src/kube/stats.ts) on a document shaped like a real kubelet's
 * GET /api/v1/nodes/<node>/proxy/stats/summary answer (kubelet stats/v1alpha1 Summary: node
 * with systemContainers/fs/runtime/rlimit, pods with podRef+uid, containers with
 * rootfs/logs, volume, ephemeral-storage, process_stats), as a kind node serves it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpuMsBetween, podUsage, type StatsSummary } from '../../src/kube/stats.js';

const summary = (): StatsSummary => JSON.parse(readFileSync(new URL('./fixtures/kubelet-stats-summary.json', import.meta.url), 'utf8')) as StatsSummary;
const SC = { name: 'source-controller-6c8f7b9d5-q2w4z', namespace: 'flux-system' };

describe('kubelet stats summary', () => {
  it("reads source-controller's pod CPU and memory, and its container's, from the summary", () => {
    const u = podUsage(summary(), SC);
    expect(u).toMatchObject({
      pod: SC.name,
      namespace: 'flux-system',
      cpuNanoCores: 3901827,
      cpuCoreNanoSeconds: 62019283000,
      memoryWorkingSetBytes: 91979776,
      memoryRssBytes: 78888960,
      time: '2026-11-27T23:10:00Z',
    });
    expect(u!.containers).toEqual([
      { name: 'manager', cpuNanoCores: 3829174, cpuCoreNanoSeconds: 61728394000, memoryWorkingSetBytes: 91439104, memoryRssBytes: 78643200, time: '2026-11-27T23:10:01Z' },
    ]);
  });

  it('matches the pod by name and namespace (another namespace, or a pod not listed yet: undefined)', () => {
    expect(podUsage(summary(), { name: SC.name, namespace: 'kube-system' })).toBeUndefined();
    expect(podUsage(summary(), { name: 'source-controller-new', namespace: 'flux-system' })).toBeUndefined();
    expect(podUsage(summary(), { name: 'coredns-7db6d8ff4d-8xk2p', namespace: 'kube-system' })?.memoryWorkingSetBytes).toBe(14684160);
  });

  it('CPU used between two readings is the difference of usageCoreNanoSeconds, in ms', () => {
    const before = podUsage(summary(), SC)!;
    const later = summary();
    const pod = later.pods.find((p) => p.podRef.name === SC.name)!;
    pod.cpu = { time: '2026-11-27T23:10:15Z', usageNanoCores: 48291736, usageCoreNanoSeconds: 62019283000 + 412_500_000 };
    expect(cpuMsBetween(before, podUsage(later, SC)!)).toBe(412.5);
    // A pod whose kubelet omits the cumulative counter: not measurable, not zero.
    delete pod.cpu.usageCoreNanoSeconds;
    expect(cpuMsBetween(before, podUsage(later, SC)!)).toBeUndefined();
  });

  it('a pod without cpu/memory blocks yet (just started) reads as unknown, not zero', () => {
    const s = summary();
    const pod = s.pods.find((p) => p.podRef.name === SC.name)!;
    delete pod.cpu;
    delete pod.memory;
    const u = podUsage(s, SC)!;
    expect(u.cpuCoreNanoSeconds).toBeUndefined();
    expect(u.memoryWorkingSetBytes).toBeUndefined();
  });
});
