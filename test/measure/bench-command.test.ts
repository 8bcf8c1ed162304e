import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { benchCommand } from '../../src/commands/bench.js';
import { parseReport } from '../../src/measure/report.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'measure-bench-cmd-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ocilab bench', () => {
  it('measures the tiny preset and writes the reports it is asked for', async () => {
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await benchCommand()
        .exitOverride()
        .parseAsync(['--presets', 'tiny', '--quick', '--runs', '1', '--warmup', '0', '--json', join(root, 'r.json'), '--html', join(root, 'r.html'), '--clusters', '50'], { from: 'user' });
    } finally {
      write.mockRestore();
      err.mockRestore();
    }
    const report = parseReport(readFileSync(join(root, 'r.json'), 'utf8'));
    expect(report.results.map((r) => `${r.cell} ${r.methodId}`)).toEqual([
      'tiny/repo git.cli.shallow',
      'tiny/repo git.cli.ls-remote',
      'tiny/app git.cli.sparse',
      'tiny/repo oci.ocilab.pull',
      'tiny/repo oci.ocilab.head',
      'tiny/app oci.ocilab.pull',
      'tiny/repo git.controller.fetch',
      'tiny/repo git.controller.no-change',
      'tiny/repo oci.controller.fetch',
      'tiny/repo oci.controller.no-change',
    ]);
    expect(report.projections.map((p) => [p.label, p.params.clusters])).toEqual([
      ['tiny: Git (ls-remote + shallow clone)', 50],
      ['tiny: OCI (manifest HEAD + pull)', 50],
    ]);
    expect(readFileSync(join(root, 'r.html'), 'utf8')).toContain('<svg');
    expect(out.join('')).toMatch(/tiny\/repo oci\.ocilab\.head/); // the plain table went to stdout
  }, 120_000);

  it('refuses an unknown preset before doing anything', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(benchCommand().exitOverride().parseAsync(['--presets', 'huge'], { from: 'user' })).rejects.toThrow(/unknown preset "huge"/);
    } finally {
      err.mockRestore();
    }
  });
});
