import { describe, expect, it } from 'vitest';
import { runMatrix, type MatrixCell } from '../../src/measure/matrix.js';
import type { FetchMethod } from '../../src/measure/types.js';

function recording(id: string, log: string[]): FetchMethod {
  return {
    id,
    label: id,
    kind: id.startsWith('oci') ? 'oci' : 'git',
    short: id,
    client: 'test client',
    async run() {
      log.push(id);
      return { requests: log.length };
    },
  };
}

describe('matrix runner', () => {
  it('interleaves rounds across cells by default and keeps each cell’s own samples', async () => {
    const log: string[] = [];
    const cells: MatrixCell[] = [
      { preset: 'small', scope: 'repo', method: recording('git.shallow', log) },
      { preset: 'small', scope: 'app', method: recording('oci.pull', log) },
    ];
    const results = await runMatrix(cells, { runs: 2, warmup: 1 });
    expect(log).toEqual(['git.shallow', 'oci.pull', 'git.shallow', 'oci.pull', 'git.shallow', 'oci.pull']);
    expect(results.map((r) => [r.cell, r.methodId, r.samples.map((s) => s.requests)])).toEqual([
      ['small/repo', 'git.shallow', [3, 5]],
      ['small/app', 'oci.pull', [4, 6]],
    ]);
  });

  it('runs each cell to the end in turn when not interleaved', async () => {
    const log: string[] = [];
    await runMatrix(
      [
        { preset: 'large', scope: 'repo', method: recording('a', log) },
        { preset: 'large', scope: 'repo', method: recording('b', log) },
      ],
      { runs: 2, warmup: 0, interleave: false },
    );
    expect(log).toEqual(['a', 'a', 'b', 'b']);
  });

  it('rejects unknown presets, scopes and duplicate cells before running anything', async () => {
    const log: string[] = [];
    const m = recording('x', log);
    await expect(runMatrix([{ preset: 'huge' as never, scope: 'repo', method: m }])).rejects.toThrow(/unknown preset "huge"/);
    await expect(runMatrix([{ preset: 'small', scope: 'dir' as never, method: m }])).rejects.toThrow(/unknown scope "dir"/);
    await expect(
      runMatrix([
        { preset: 'bloated', scope: 'repo', method: m },
        { preset: 'bloated', scope: 'repo', method: m },
      ]),
    ).rejects.toThrow(/bloated\/repo x is listed twice/);
    expect(log).toEqual([]);
  });
});
