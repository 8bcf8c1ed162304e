/**
 * The waitFor loop driven by a SCRIPTED event source (same signature as client-node's
 * Watch.watch): checks the watch request it asks for, restart on a closed stream, the
 * verdict, timeout and abort. No API server involved.
 */
import { describe, expect, it } from 'vitest';
import { readyPredicate, type FluxStatusObject } from '../../src/flux/conditions.js';
import { refOf } from '../../src/kube/resources.js';
import { WaitTimeoutError, waitFor, type WatchSource } from '../../src/kube/watch.js';
import { demoFluxObjects } from '../../src/flux/demo.js';
import { capturingClient } from './capture.js';

const ref = refOf(demoFluxObjects().oci);
const obj = (ready: 'True' | 'False' | 'Unknown', rv: string, reason = 'Progressing'): FluxStatusObject => ({
  metadata: { name: 'demo-oci', namespace: 'flux-system', generation: 1, resourceVersion: rv },
  status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: ready, reason, message: `${reason} message` }] },
});

type Script = { get: FluxStatusObject | undefined; events: [string, FluxStatusObject][]; close?: boolean }[];

function scripted(script: Script) {
  const calls: { path: string; query: Record<string, unknown> }[] = [];
  let round = -1;
  let aborted = 0;
  const watcher: WatchSource = {
    async watch(path, query, onEvent, onDone) {
      calls.push({ path, query });
      const step = script[round];
      setTimeout(() => {
        for (const [phase, o] of step?.events ?? []) onEvent(phase, o);
        if (step?.close) onDone(null);
      }, 5);
      return { abort: () => void aborted++ };
    },
  };
  return {
    calls,
    aborted: () => aborted,
    source: {
      get: async () => script[Math.min(++round, script.length - 1)]!.get,
      watcher,
    },
  };
}

describe('waitFor', () => {
  it('reads, watches from the read resourceVersion, re-watches after the stream closes, ends on Ready', async () => {
    const s = scripted([
      { get: obj('Unknown', '100'), events: [['MODIFIED', obj('Unknown', '101')]], close: true },
      { get: obj('Unknown', '102'), events: [['MODIFIED', obj('True', '103', 'Succeeded')]] },
    ]);
    const seen: string[] = [];
    const r = await waitFor(capturingClient(), ref, readyPredicate(), { timeoutMs: 5000, source: s.source, onUpdate: (o) => seen.push(o?.metadata?.resourceVersion ?? '-') });
    expect(r).toMatchObject({ ok: true, message: 'Succeeded message' });
    expect(seen).toEqual(['100', '101', '102', '103']);
    expect(s.calls).toEqual([
      { path: '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/ocirepositories', query: { fieldSelector: 'metadata.name=demo-oci', resourceVersion: '100', allowWatchBookmarks: true } },
      { path: '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/ocirepositories', query: { fieldSelector: 'metadata.name=demo-oci', resourceVersion: '102', allowWatchBookmarks: true } },
    ]);
    expect(s.aborted()).toBeGreaterThanOrEqual(1);
  });

  it('already ready on the first read: no watch at all', async () => {
    const s = scripted([{ get: obj('True', '5', 'Succeeded'), events: [] }]);
    expect((await waitFor(capturingClient(), ref, readyPredicate(), { timeoutMs: 1000, source: s.source })).ok).toBe(true);
    expect(s.calls).toEqual([]);
  });

  it('a terminal failure ends the wait with the controller message', async () => {
    const s = scripted([{ get: obj('Unknown', '1'), events: [['MODIFIED', obj('False', '2', 'VerificationError')]] }]);
    expect(await waitFor(capturingClient(), ref, readyPredicate(), { timeoutMs: 1000, source: s.source })).toMatchObject({ ok: false, message: 'VerificationError: VerificationError message' });
  });

  it('times out with the last status seen', async () => {
    const s = scripted([{ get: obj('Unknown', '1'), events: [] }]);
    const err = await waitFor(capturingClient(), ref, readyPredicate(), { timeoutMs: 150, source: s.source }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as Error).message).toBe('OCIRepository flux-system/demo-oci did not get there within 0s; last status: Ready=Unknown (Progressing: Progressing message)');
  });

  it('stops on abort', async () => {
    const s = scripted([{ get: obj('Unknown', '1'), events: [] }]);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await expect(waitFor(capturingClient(), ref, readyPredicate(), { timeoutMs: 5000, signal: ac.signal, source: s.source })).rejects.toThrow(/cancelled/);
  });
});

describe('waitFor and reads in dry-run', () => {
  it('does not wait and reads nothing', async () => {
    const { Plan } = await import('../../src/kube/plan.js');
    const { getObject } = await import('../../src/kube/objects.js');
    const { listEvents } = await import('../../src/kube/events.js');
    const { nodeStatsSummary } = await import('../../src/kube/stats.js');
    const client = capturingClient(new Plan()); // any real request would throw RequestCaptured
    expect(await waitFor(client, ref, readyPredicate(), { timeoutMs: 10 })).toMatchObject({ ok: true, message: 'dry-run: not waited for' });
    expect(await getObject(client, ref)).toBeUndefined();
    expect(await listEvents(client, ref)).toEqual([]);
    await expect(nodeStatsSummary(client, 'n')).rejects.toThrow(/only read on a real run/);
  });

  it('a watch that keeps failing is retried and named in the timeout', async () => {
    let watches = 0;
    const source = {
      get: async () => obj('Unknown', '1'),
      watcher: {
        async watch(_p: string, _q: Record<string, unknown>, _e: unknown, onDone: (err: unknown) => void) {
          watches++;
          setTimeout(() => onDone(Object.assign(new Error('Forbidden'), { statusCode: 403 })), 1);
          return { abort() {} };
        },
      },
    };
    const err = await waitFor(capturingClient(), ref, readyPredicate(), { timeoutMs: 1500, source }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/the watch kept failing: Forbidden$/);
    expect(watches).toBeGreaterThanOrEqual(1);
    expect(watches).toBeLessThanOrEqual(3); // 1 s back-off, not a busy loop
  });
});
