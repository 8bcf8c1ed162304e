/**
 * source-controller's CPU-seconds and peak memory from its own metrics (Go process collector).
 * Fixtures are real text captured from the rig's source-controller v1.9.5 (2026-11-27):
 * `before.txt` idle, then 10 OCIRepositories applied (oci://127.0.0.1:1/…, each reconcile a
 * refused connection), `sample-1..5.txt` taken every 500 ms (trimmed to the process_*
 * families), `after.txt` 500 ms later (full text).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processReading, processUsage, reconcileDuration, UsageSampler } from '../../src/kube/metrics.js';
import { parseExposition, type Exposition } from '../../src/kube/prometheus.js';

const dir = join(import.meta.dirname, 'fixtures/source-controller-metrics');
const load = (f: string) => parseExposition(readFileSync(join(dir, `${f}.txt`), 'utf8'));
const series = ['before', 'sample-1', 'sample-2', 'sample-3', 'sample-4', 'sample-5', 'after'].map(load);

describe('process readings from the real source-controller exposition', () => {
  it('reads process_cpu_seconds_total, process_resident_memory_bytes and the start time', () => {
    expect(processReading(series[0]!, 0)).toEqual({ atMs: 0, cpuSeconds: 0.15, residentBytes: 79_388_672, startTime: 1_795_815_377.23 });
    expect(processReading(series[6]!, 3000)).toEqual({ atMs: 3000, cpuSeconds: 0.58, residentBytes: 86_327_296, startTime: 1_795_815_377.23 });
    // The same full text also holds the reconciles of the objects applied in between.
    expect(reconcileDuration(series[6]!, { kind: 'OCIRepository', name: 'cap-0', namespace: 'capture' })).toMatchObject({ count: 3 });
  });

  it('CPU-seconds = last − first; peak = the largest sampled RSS', () => {
    const readings = series.map((e, i) => processReading(e, i * 500));
    expect(processUsage(readings)).toEqual({ cpuSeconds: 0.43, peakResidentBytes: 86_327_296, startResidentBytes: 79_388_672, samples: 7, spanMs: 3000 });
    // A peak between the ends is kept (RSS can fall again after a GC).
    const dip: Exposition = parseExposition(readFileSync(join(dir, 'sample-1.txt'), 'utf8').replace(/^process_resident_memory_bytes .*$/m, 'process_resident_memory_bytes 5e+07').replace(/^process_cpu_seconds_total .*$/m, 'process_cpu_seconds_total 0.6'));
    const peakInside = processUsage([processReading(series[0]!, 0), processReading(series[3]!, 500), processReading(dip, 1000)]);
    expect(peakInside).toMatchObject({ cpuSeconds: 0.45, peakResidentBytes: 85_671_936 });
  });

  it('refuses what cannot be a measurement: a restart, missing families, one reading', () => {
    const restarted = parseExposition(readFileSync(join(dir, 'sample-5.txt'), 'utf8').replace(/^process_start_time_seconds .*$/m, 'process_start_time_seconds 1.8e+09'));
    expect(() => processUsage([processReading(series[0]!, 0), processReading(restarted, 500)])).toThrow(/restarted/);
    expect(() => processUsage([processReading(series[6]!, 0), processReading(series[0]!, 500)])).toThrow(/restarted/);
    const noRss = parseExposition(readFileSync(join(dir, 'sample-2.txt'), 'utf8').replace(/^process_resident_memory_bytes .*$/m, ''));
    expect(() => processReading(noRss, 0)).toThrow(/no process_resident_memory_bytes/);
    expect(() => processUsage([processReading(series[0]!, 0)])).toThrow(/at least two readings/);
  });
});

describe('UsageSampler', () => {
  it('reads on start, every interval and on stop; the usage spans all of them', async () => {
    let i = 0;
    const calls: number[] = [];
    const sampler = new UsageSampler(
      async () => {
        calls.push(i);
        return series[Math.min(i++, series.length - 1)]!;
      },
      { intervalMs: 5, signal: new AbortController().signal },
    );
    await sampler.start();
    for (let n = 0; n < 5; n++) await sampler.next();
    const usage = await sampler.stop();
    expect(usage.samples).toBeGreaterThanOrEqual(7);
    expect(usage.cpuSeconds).toBe(0.43);
    expect(usage.peakResidentBytes).toBe(86_327_296);
    const after = calls.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(calls.length).toBe(after); // no tick after stop
    expect(sampler.latest).toBe(series[6]);
  });

  it('a failing first read fails start; later failures are counted; a failing kubelet is dropped', async () => {
    const failing = new UsageSampler(async () => Promise.reject(new Error('metrics at http://127.0.0.1:1 refused')), { signal: new AbortController().signal });
    await expect(failing.start()).rejects.toThrow(/refused/);
    failing.dispose();

    let n = 0;
    let kubeletCalls = 0;
    const flaky = new UsageSampler(
      async () => {
        n++;
        if (n === 2) throw new Error('proxy 503');
        return series[n % series.length]!;
      },
      {
        intervalMs: 5,
        signal: new AbortController().signal,
        kubeletMemory: async () => {
          kubeletCalls++;
          throw new Error('nodes "x" not found');
        },
      },
    );
    await flaky.start();
    await flaky.next();
    await flaky.next();
    await flaky.stop();
    expect(flaky.sampleErrors).toBe(1);
    expect(flaky.kubeletError).toMatch(/not found/);
    expect(kubeletCalls).toBe(1);
    expect(flaky.kubelet).toEqual([]);
  });

  it('keeps the kubelet working set when it answers', async () => {
    let w = 40e6;
    const s = new UsageSampler(async () => series[0]!, { intervalMs: 5, signal: new AbortController().signal, kubeletMemory: async () => (w += 1e6) });
    await s.start();
    await s.next();
    await s.stop();
    expect(s.kubelet.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...s.kubelet)).toBe(40e6 + s.kubelet.length * 1e6);
  });
});
