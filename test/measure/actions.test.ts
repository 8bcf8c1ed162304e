import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReport } from '../../src/measure/report.js';
import { startGitDaemon } from './git-daemon.js';
import { measureCompare, measureContext } from './action-context.js';
import { makeGitRepo } from './git-fixture.js';

let root: string;
let daemon: Awaited<ReturnType<typeof startGitDaemon>>;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'measure-actions-'));
  makeGitRepo(root, 6, 10, 1000);
  daemon = await startGitDaemon(root);
}, 60_000);
afterAll(async () => {
  await daemon?.stop();
  await rm(root, { recursive: true, force: true });
});

const context = () => measureContext(root);
const action = measureCompare;

describe('measure.compare action', () => {
  it('measures, reports medians with how they were taken, writes report files, leaves no proxy behind', async () => {
    const { ctx, measurements, lines } = context();
    const args = action.args.parse({
      methods: [
        { type: 'git-cli', url: `git://127.0.0.1:${daemon.port}/fleet.git`, mode: 'shallow', preset: 'tiny', scope: 'repo' },
        { type: 'git-cli', url: `git://127.0.0.1:${daemon.port}/fleet.git`, mode: 'ls-remote', preset: 'tiny', scope: 'repo' },
      ],
      runs: 2,
      warmup: 0,
      projection: { clusters: 100, intervalMinutes: 5, changesPerHour: 1, pairs: [{ label: 'Git', check: 1, fetch: 0 }] },
      report: ['out.json', 'out.html'],
    });
    const result = await action.run(args, ctx);
    expect(result).toEqual({ ok: true });
    const bytes = measurements.find((m) => !m.sample && m.metric === 'bytes_down' && m.method.startsWith('git clone --depth 1'));
    expect(bytes!.value).toBeGreaterThan(0);
    expect(bytes!.method_note).toMatch(/^median of 2 runs after 0 warm-up, spread /);
    expect(measurements.some((m) => m.metric === 'server_cpu_ms')).toBe(false); // not known: not reported
    expect(lines.some((l) => l.startsWith('tiny/repo git.cli.shallow'))).toBe(true);
    const report = parseReport(readFileSync(join(root, 'out.json'), 'utf8'));
    expect(report.projections[0]).toMatchObject({ label: 'Git', pollsPerHour: 1200, fetchesPerHour: 100 });
    expect(existsSync(join(root, 'out.html'))).toBe(true);
    expect(ctx.vars['measure.report.json']).toBe(join(root, 'out.json'));
    expect(ctx.cleanup.size).toBe(0);
  }, 60_000);

  it('rejects a projection that names a method that is not there, and a non-loopback server', async () => {
    const { ctx } = context();
    const bad = action.args.parse({
      methods: [{ type: 'git-cli', url: `file://${root}/fleet.git`, mode: 'ls-remote' }],
      projection: { clusters: 1, intervalMinutes: 1, changesPerHour: 1, pairs: [{ label: 'x', check: 0, fetch: 3 }] },
    });
    expect(await action.run(bad, ctx)).toEqual({ ok: false, message: 'projection "x": method index 3 is out of range (1 methods)' });
    const remote = action.args.parse({ methods: [{ type: 'oci-cli', registry: '192.0.2.1:5000', repository: 'x' }], runs: 1 });
    await expect(action.run(remote, ctx)).rejects.toThrow(/not a loopback address/);
  });

  it('takes runs and warmup as a scenario param (a string) too, with a clear error for anything else', () => {
    const methods = [{ type: 'git-cli', url: 'http://127.0.0.1:1/x.git', mode: 'full' }];
    const runsOf = (runs: unknown) => {
      const r = action.args.safeParse({ methods, runs });
      return r.success ? (r.data as { runs: number }).runs : r.error.issues.map((i) => i.message).join('; ');
    };
    expect([runsOf(undefined), runsOf(3), runsOf('10'), runsOf(' 1 ')]).toEqual([5, 3, 10, 1]);
    expect(runsOf('0')).toBe('runs must be at least 1');
    expect(runsOf('101')).toBe('runs must be at most 100');
    expect(runsOf('ten')).toBe('runs must be a whole number, got "ten"');
    expect(runsOf('2.5')).toBe('runs must be a whole number, got "2.5"');
    expect(action.args.safeParse({ methods, warmup: '0' }).data).toMatchObject({ warmup: 0 });
  });

  it('validates its arguments on load', () => {
    expect(action.args.safeParse({ methods: [] }).success).toBe(false);
    expect(action.args.safeParse({ methods: [{ type: 'git-cli', url: 'x', mode: 'deep' }] }).success).toBe(false);
  });
});
