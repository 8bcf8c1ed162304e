import { describe, it, expect, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CleanupRegistry } from '../../src/engine/cleanup.js';
import type { ActionContext, ActionDefinition, ReportedMeasurement } from '../../src/engine/action.js';
import { gitActions } from '../../src/git/actions.js';
import { reconcileActions } from '../../src/reconcile/actions.js';
import { peer } from '../helpers/peers.js';
import { RunScope } from '../../src/engine/run-scope.js';

const hasGit = peer('git', 'apt-get install git');

describe.skipIf(!hasGit)('git and reconcile actions, chained as a scenario would', () => {
  const cleanup = new CleanupRegistry();
  const lines: string[] = [];
  const measurements: ReportedMeasurement[] = [];
  let ctx: ActionContext;
  const all = new Map([...gitActions, ...reconcileActions].map((a) => [a.name, a as ActionDefinition<unknown>]));
  const run = async (name: string, raw: unknown) => {
    const def = all.get(name)!;
    const res = await def.run(def.args.parse(raw), ctx);
    expect(res, `${name}: ${res.message}`).toEqual({ ok: true });
  };

  afterAll(async () => {
    expect(await cleanup.runAll()).toEqual([]);
    await rm(ctx.workDir, { recursive: true, force: true });
  });

  it('creates, serves, clones, reconciles, pushes and sees the new revision', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'ocilab-actions-'));
    ctx = { signal: new AbortController().signal, log: (l) => lines.push(l), cleanup, vars: {}, workDir, scope: new RunScope(), scenarioDir: workDir, target: 'local', report: (m) => measurements.push(m) };
    await run('fixtures.create', 'tiny');
    await run('git.serve', {});
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
    const typo = await all.get('reconcile.apply')!.run('typo.yaml', ctx);
    expect(typo).toMatchObject({ ok: false, message: expect.stringMatching(/^reconcile\.apply: .*typo\.yaml: unknown variable \$\{git\.repo\.ulr\} \(set so far: /) });
    await run('reconcile.apply', 'gitrepository.yaml');
    await run('reconcile.wait', { timeout: '30s' });
    expect(ctx.vars['source.revision']).toBe(`main@sha1:${ctx.vars['fixture.head']}`);
    await run('git.commit', { app: 'app-002', change: 'config' });
    await run('reconcile.wait', { newRevision: true, timeout: '30s' });
    expect(ctx.vars['source.revision']).toBe(`main@sha1:${ctx.vars['git.head']}`);
    expect(lines.some((l) => l.includes('where it differs'))).toBe(true);
    const passes = measurements.filter((m) => m.method.startsWith('GitRepository pass'));
    expect(passes.find((m) => m.method === 'GitRepository pass (fetched)' && m.metric === 'requests')?.value).toBe(5);
    expect(passes.some((m) => m.metric === 'server_cpu_ms' && m.value > 0)).toBe(true);
    expect(lines.some((l) => /POST \/tiny\.git\/git-upload-pack git-upload-pack \(fetch\) → 200/.test(l))).toBe(true);
    const bad = await all.get('reconcile.wait')!.run({ name: 'missing', timeout: '1s' }, ctx);
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/has not been applied/) });
  });
});
