/**
 * The local reconciler driven through the flux.* actions on the local target, chained as a
 * scenario would: a fixture, its clone, a GitRepository from a file with `${var}` references,
 * its passes measured, a commit and the new revision after `flux.reconcile`.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildActionRegistry } from '../../src/actions.js';
import { CleanupRegistry } from '../../src/engine/cleanup.js';
import type { ActionContext, ReportedMeasurement } from '../../src/engine/action.js';
import { createTarget, setRunTarget, targetParts } from '../../src/targets/index.js';
import { peer } from '../helpers/peers.js';
import { RunScope } from '../../src/engine/run-scope.js';

const hasGit = peer('git', 'apt-get install git');

describe.skipIf(!hasGit)('git and flux actions on the local reconciler, chained as a scenario would', () => {
  const cleanup = new CleanupRegistry();
  const lines: string[] = [];
  const measurements: ReportedMeasurement[] = [];
  let ctx: ActionContext;
  const registry = buildActionRegistry();
  const step = (name: string, raw: unknown) => registry.get(name)!.run(registry.get(name)!.args.parse(raw), ctx);
  const run = async (name: string, raw: unknown) => {
    const res = await step(name, raw);
    expect(res, `${name}: ${res.message}`).toEqual({ ok: true });
  };

  afterAll(async () => {
    expect(await cleanup.runAll()).toEqual([]);
    await rm(ctx.workDir, { recursive: true, force: true });
  });

  it('creates, serves, clones, reconciles, commits and sees the new revision', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'ocilab-actions-'));
    const scope = new RunScope();
    setRunTarget(scope, createTarget('local', {}, targetParts(scope)));
    ctx = { signal: new AbortController().signal, log: (l) => lines.push(l), cleanup, vars: {}, workDir, scope, scenarioDir: workDir, target: 'local', report: (m) => measurements.push(m) };
    await run('target.up', {});
    await run('fixtures.create', 'tiny');
    await run('target.repo', { name: 'tiny' });
    expect(ctx.vars['git.repo.url']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/tiny\.git$/);
    await run('git.clone', 'shallow');
    expect(measurements.filter((m) => m.method === 'git shallow').map((m) => m.metric)).toEqual(
      expect.arrayContaining(['wall_ms', 'bytes_down', 'client_cpu_ms', 'server_cpu_ms', 'objects', 'files']),
    );
    // The scenario's own rules (engine/action-helpers.ts readScenarioFile, as flux.apply):
    // $\${…} stays literal and an undotted \${name} (Flux postBuild substitution) stays as written.
    const yaml = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: fleet, annotations: {note: "$\${not.a.var} \${cluster_env}"}}
spec: {interval: 10m, url: "\${git.repo.url}", ref: {branch: main}}
`;
    await writeFile(join(workDir, 'gitrepository.yaml'), yaml);
    await writeFile(join(workDir, 'typo.yaml'), yaml.replace('git.repo.url', 'git.repo.ulr'));
    const typo = await step('flux.apply', { file: 'typo.yaml' });
    expect(typo).toMatchObject({ ok: false, message: expect.stringMatching(/typo\.yaml: unknown variable \$\{git\.repo\.ulr\}/) });
    await run('flux.apply', { file: 'gitrepository.yaml' });
    await run('flux.wait', { kind: 'GitRepository', name: 'fleet', timeout: '30s', method: 'GitRepository reconcile' });
    expect(ctx.vars['flux.fleet.revision']).toBe(`main@sha1:${ctx.vars['fixture.head']}`);
    // The stored tarball on this machine, as reconcile.wait's source.artifact was.
    expect(ctx.vars['flux.fleet.artifact']).toMatch(new RegExp(`^${workDir}/source-storage/gitrepository/flux-system/fleet/[0-9a-f]{40}\\.tar\\.gz$`));
    expect(measurements.find((m) => m.method === 'GitRepository reconcile')).toMatchObject({ metric: 'wall_ms', method_note: 'until Ready, single run' });
    await run('git.commit', { app: 'app-002', change: 'config' });
    await run('flux.reconcile', { kind: 'GitRepository', name: 'fleet', timeout: '30s' });
    await run('flux.wait', { kind: 'GitRepository', name: 'fleet', timeout: '30s', revision: `main@sha1:${ctx.vars['git.head']}` });
    expect(ctx.vars['flux.fleet.revision']).toBe(`main@sha1:${ctx.vars['git.head']}`);
    expect(lines.some((l) => l.includes('where it differs'))).toBe(true);
    const passes = measurements.filter((m) => m.method.startsWith('GitRepository pass'));
    expect(passes.find((m) => m.method === 'GitRepository pass (fetched)' && m.metric === 'requests')?.value).toBe(5);
    expect(passes.some((m) => m.metric === 'server_cpu_ms' && m.value > 0)).toBe(true);
    expect(lines.some((l) => /POST \/tiny\.git\/git-upload-pack git-upload-pack \(fetch\) → 200/.test(l))).toBe(true);
    const bad = await step('flux.wait', { kind: 'GitRepository', name: 'missing', timeout: '1s' });
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/did not get there within 1s/) });
  });
});
