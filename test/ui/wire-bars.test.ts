import { describe, expect, it } from 'vitest';
import { chartsFrom } from '../../src/ui/measure-bars.js';
import { wireEntry } from '../../src/ui/wire.js';

describe('wire entries from the servers request logs', () => {
  it('classifies Git smart-HTTP lines', () => {
    expect(wireEntry('POST /small.git/git-upload-pack git-upload-pack (fetch) → 200  in 523 B  out 5765 B  75.8 ms  cpu 14.0 ms')).toEqual({
      side: 'git', what: 'fetch: want/have → packfile', request: 'POST /small.git/git-upload-pack', status: 200, bytesOut: 5765,
    });
    expect(wireEntry('GET /small.git/info/refs git-upload-pack (refs) → 200  in 257 B  out 471 B  52.7 ms  cpu 4.0 ms')?.what).toBe('ref advertisement (capabilities)');
  });
  it('classifies registry lines and shortens digests', () => {
    expect(wireEntry('HEAD /v2/fleet/small/manifests/latest 200 in=0 out=0 0.92ms')?.what).toBe('HEAD tag → digest (no-change check)');
    const blob = wireEntry(`GET /v2/fleet/small/blobs/sha256:${'a'.repeat(64)} 200 in=0 out=1999 1.15ms`);
    expect(blob).toMatchObject({ side: 'oci', what: 'GET blob by digest', bytesOut: 1999, request: 'GET /v2/fleet/small/blobs/sha256:aaaaaaaaaaaa…' });
  });
  it('ignores other output', () => {
    expect(wireEntry('git.cli.full run 1: 421.4 ms')).toBeNull();
  });
});

describe('bar charts from measure.compare medians', () => {
  const stats = (n: number, spread: number, median: number) => ({ n, warmup: 1, median, min: median, max: median, spread });
  const git = { methodId: 'git.cli.shallow', short: 'git shallow', transport: 'git', client: 'git CLI process' } as const;
  const oci = { methodId: 'oci.ocilab.head', short: 'oci HEAD', transport: 'oci', client: 'node process, ocilab OCI client (src/oci only)' } as const;
  it('one chart per metric from the typed fields (no prose parsed), spread and runs kept', () => {
    const charts = chartsFrom([
      // the note says nothing a regex could use: the chart reads stats, transport and short
      { method: 'git clone --depth 1 (what Flux does)', ...git, metric: 'bytes_down', value: 2000, unit: 'bytes', stats: stats(3, 0.1, 2000), method_note: 'anything' },
      { method: 'ocilab manifest HEAD (no-change check)', ...oci, metric: 'bytes_down', value: 500, unit: 'bytes', stats: stats(3, 0, 500) },
      // a single-run figure with no statistics and no transport is not a comparison row
      { method: 'git shallow', metric: 'bytes_down', value: 9, unit: 'bytes', method_note: 'median of 3 runs after 1 warm-up, spread 10 % (x)' },
    ]);
    expect(charts.map((c) => c.title)).toEqual(['time', 'bytes down', 'server CPU', 'client CPU', 'memory (peak RSS)', 'requests', 'in-cluster: reconcile', 'in-cluster: source-controller CPU']);
    const bytes = charts[1]!.bars;
    expect(bytes.map((b) => [b.short, b.kind, b.fraction, b.runs, b.spread, b.client])).toEqual([
      ['git shallow', 'git', 1, 3, '±5%', 'git CLI process'],
      ['oci HEAD', 'oci', 0.25, 3, '±0%', 'node process, ocilab OCI client (src/oci only)'],
    ]);
    expect(charts[0]!.bars).toEqual([]);
  });
  it('nothing before a comparison ran', () => {
    expect(chartsFrom([{ method: 'fixture small', metric: 'wall_ms', value: 1, unit: 'ms', method_note: 'single run' }])).toEqual([]);
  });
});
