import { describe, expect, it } from 'vitest';
import { barsFor } from '../../src/measure/bars.js';
import { summarizePhases, summarizeSamples } from '../../src/measure/harness.js';
import { renderResultsTable, renderTable } from '../../src/measure/text-table.js';
import type { MethodResult, RunSample } from '../../src/measure/types.js';
import { formatBytes, formatCount, formatMs, formatPercent } from '../../src/measure/units.js';

describe('units for the back of the room', () => {
  it.each([
    [0, '0 ms'],
    [0.4234, '0.42 ms'],
    [4.2, '4.2 ms'],
    [43.94, '43.9 ms'],
    [135.8, '136 ms'],
    [999.4, '999 ms'],
    [1250, '1.25 s'],
    [12_500, '12.5 s'],
    [125_000, '125 s'],
    [null, 'n/a'],
  ])('formatMs(%s) = %s', (v, s) => expect(formatMs(v)).toBe(s));

  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [25_805, '25.2 KiB'],
    [1_625_292, '1.55 MiB'],
    [10_979_000, '10.5 MiB'],
    [21_080_000, '20.1 MiB'],
    [5 * 1024 ** 3, '5 GiB'],
    [null, 'n/a'],
  ])('formatBytes(%s) = %s', (v, s) => expect(formatBytes(v)).toBe(s));

  it('counts and percentages', () => {
    expect(formatCount(7)).toBe('7');
    expect(formatCount(2.5)).toBe('2.5');
    expect(formatCount(60_000)).toBe('60,000');
    expect(formatCount(12_345_678)).toBe('12.3 M');
    expect(formatPercent(0.034)).toBe('3.4 %');
    expect(formatPercent(null)).toBe('n/a');
  });
});

function result(methodId: string, kind: 'git' | 'oci', walls: number[], bytes: (number | null)[]): MethodResult {
  const samples: RunSample[] = walls.map((w, i) => ({
    wallMs: w,
    bytesDown: bytes[i] ?? null,
    bytesUp: null,
    clientCpuMs: null,
    clientPeakRssBytes: null,
    serverCpuMs: null,
    requests: null,
  }));
  return {
    methodId,
    label: methodId,
    kind,
    short: methodId,
    client: `${kind} test client`,
    notComparable: {},
    notes: [],
    runs: samples.length,
    warmup: 0,
    destination: { dir: '/dev/shm', fsType: 'tmpfs', mountPoint: '/dev/shm', inMemory: true },
    stats: summarizeSamples(samples),
    phaseStats: summarizePhases(samples),
    samples,
    startedAt: '',
    finishedAt: '',
  };
}

describe('aligned plain table', () => {
  it('pads columns and right-aligns numbers', () => {
    const t = renderTable(['method', 'ms'], [['git', '135'], ['oci.pull', '5']], ['left', 'right']);
    expect(t.split('\n')).toEqual(['method     ms', '--------  ---', 'git       135', 'oci.pull    5']);
  });

  it('renders results with median (min–max), spread and n/a', () => {
    const out = renderResultsTable([result('git.shallow', 'git', [130, 140, 135], [34_000, 34_000, 34_000]), result('oci.pull', 'oci', [40, 50], [])]);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^method\s+client\s+runs\s+wall median \(min–max\)\s+spread\s+bytes down/);
    expect(lines[2]).toMatch(/^git\.shallow\s+git test client\s+3\s+135 ms \(130–140\)\s+7\.41 %\s+33\.2 KiB/);
    expect(lines[3]).toMatch(/^oci\.pull\s+oci test client\s+2\s+45 ms \(40–50\)\s+22\.2 %\s+n\/a/);
    expect(out).toContain('files written to: /dev/shm: tmpfs at /dev/shm (memory)');
    // the spread column starts at the same offset in every row
    const col = lines[0]!.indexOf('spread') + 'spread'.length;
    expect(lines[2]![col - 1]).toBe('%');
    expect(lines[3]![col - 1]).toBe('%');
  });
});

describe('bar data for the UI', () => {
  it('gives label, value, fraction of the largest and formatted text; n/a bars are empty', () => {
    const bars = barsFor([result('git.full', 'git', [200], [100_000]), result('git.shallow', 'git', [100], [25_000]), result('oci.head', 'oci', [50], [])], 'bytesDown');
    expect(bars.map((b) => [b.methodId, b.value, b.fraction, b.formatted, b.kind])).toEqual([
      ['git.full', 100_000, 1, '97.7 KiB', 'git'],
      ['git.shallow', 25_000, 0.25, '24.4 KiB', 'git'],
      ['oci.head', null, 0, 'n/a', 'oci'],
    ]);
  });

  it('all-zero values do not divide by zero', () => {
    const bars = barsFor([result('a', 'oci', [1], [0]), result('b', 'oci', [1], [0])], 'bytesDown');
    expect(bars.map((b) => b.fraction)).toEqual([0, 0]);
  });
});
