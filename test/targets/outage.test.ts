/**
 * target.stop / target.restart on the local target with its real servers (embedded registry,
 * ocilab's Git server, local reconciler): the outage and the recovery as Flux reports them,
 * same port and storage after the restart. On a target whose servers are not ocilab's, the
 * step is "shown, not run" and the outage checks are skipped.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Plan } from '../../src/kube/plan.js';
import { ClusterTarget } from '../../src/targets/cluster.js';
import { peer } from '../helpers/peers.js';
import { actionHarness, localContext, refused, runScope } from './local-run.js';

const hasGit = peer('git', 'apt-get install git');

describe.skipIf(!hasGit)('outage on the local target (real registry, Git server and reconciler)', () => {
  const h = actionHarness();
  const { cleanup, lines, step, run } = h;
  let workDir = '';

  afterAll(async () => {
    expect(await cleanup.runAll()).toEqual([]);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('registry and Git server: Ready=False with the artifact kept, then back on the same port, Ready=True on the same revision', async () => {
    const ctx = await localContext(h, 'outage');
    workDir = ctx.workDir;
    await run('target.up', {});
    await run('fixtures.create', 'tiny');
    const gitUrl = ctx.vars['git.url']!;
    const host = ctx.vars['registry.host']!;
    await run('flux.apply', { kind: 'GitRepository', name: 'fleet', url: `${gitUrl}/tiny.git`, branch: 'main', interval: '10m' });
    await run('flux.wait', { kind: 'GitRepository', name: 'fleet', timeout: '30s' });
    const gitRevision = ctx.vars['flux.fleet.revision']!;
    await mkdir(join(workDir, 'manifests'));
    await writeFile(join(workDir, 'manifests', 'configmap.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: demo}\n');
    await run('artifact.push', { url: `oci://${host}/demo/app:latest`, path: 'manifests', source: `${gitUrl}/tiny.git`, revision: gitRevision, insecure: true });
    const ociRevision = `latest@${ctx.vars['artifact.digest']}`;
    await run('flux.apply', { kind: 'OCIRepository', name: 'app', url: `oci://${host}/demo/app`, tag: 'latest', insecure: true, interval: '10m' });
    await run('flux.wait', { kind: 'OCIRepository', name: 'app', revision: ociRevision, timeout: '30s' });

    // The registry goes away: the port refuses, the source reports it, the artifact stays.
    await run('target.stop', { server: 'registry' });
    expect(ctx.vars['target.registry.outage']).toBe('stopped');
    expect(await refused(`http://${host}/v2/`)).toBe(true);
    const down = { Ready: { status: 'False', reason: 'OCIArtifactPullFailed', message: 'failed to determine artifact digest' }, FetchFailed: { status: 'True' }, ArtifactInStorage: { status: 'True' } };
    await run('flux.expect', { kind: 'OCIRepository', name: 'app', reconcile: true, timeout: '30s', whenOwnServer: 'registry', conditions: down, revision: ociRevision });
    // A push during the outage fails (what CI would see), and says where.
    expect((await step('artifact.push', { url: `oci://${host}/demo/app:latest`, path: 'manifests', source: `${gitUrl}/tiny.git`, revision: gitRevision, insecure: true })).ok).toBe(false);

    await run('target.restart', { server: 'registry' });
    expect(ctx.vars['target.registry.outage']).toBe('restarted');
    expect(await refused(`http://${host}/v2/`)).toBe(false);
    await run('flux.reconcile', { kind: 'OCIRepository', name: 'app', timeout: '30s' });
    await run('flux.expect', { kind: 'OCIRepository', name: 'app', conditions: { Ready: { status: 'True' }, ArtifactInStorage: { status: 'True' } }, revision: ociRevision });

    // The Git server, the same way.
    await run('target.stop', { server: 'git' });
    expect(await refused(`${gitUrl}/tiny.git/info/refs?service=git-upload-pack`)).toBe(true);
    await run('flux.expect', { kind: 'GitRepository', name: 'fleet', reconcile: true, timeout: '30s', whenOwnServer: 'git', conditions: { Ready: { status: 'False', reason: 'GitOperationFailed' }, ArtifactInStorage: { status: 'True' } }, revision: gitRevision });
    await run('target.restart', { server: 'git' });
    await run('flux.reconcile', { kind: 'GitRepository', name: 'fleet', timeout: '30s' });
    await run('flux.expect', { kind: 'GitRepository', name: 'fleet', conditions: { Ready: { status: 'True' } }, revision: gitRevision });
    expect(lines.some((l) => l.startsWith(`Git server back on ${gitUrl}`))).toBe(true);

    // Restarting a running server is a no-op that says so.
    await run('target.restart', { server: 'git' });
    expect(lines.at(-1)).toBe('the Git server is running (nothing to restart)');
  }, 60_000);
});

describe('outage on a target whose servers are not ocilab\'s', () => {
  it('cluster: target.stop is shown, not run (with the reason, in the plan too); the outage check is skipped', async () => {
    const { cleanup, lines, run, set } = actionHarness();
    const plan = new Plan();
    const runTarget = new ClusterTarget({ plan, registryUrl: 'ghcr.io/ada/ocilab', gitUrl: 'https://git.example.com/ada' });
    const ctx = set({ signal: new AbortController().signal, log: (l) => lines.push(l), cleanup, vars: {}, workDir: tmpdir(), scenarioDir: tmpdir(), target: 'cluster', report: () => undefined, scope: runScope(runTarget), plan });
    await run('target.stop', { server: 'registry' });
    expect(lines.at(-1)).toBe("shown, not run: ocilab does not stop the registry on the cluster target — the registry is ghcr.io/ada/ocilab, not ocilab's: stopping it would take it down for everyone using it");
    expect(ctx.vars['target.registry.outage']).toBe('shown');
    expect(plan.toText()).toContain('target.stop registry: shown, not run');
    await run('flux.expect', { kind: 'OCIRepository', name: 'fleet-oci', whenOwnServer: 'registry', conditions: { Ready: { status: 'False' } } });
    expect(lines.at(-1)).toMatch(/^skipped on the cluster target: flux\.expect OCIRepository\/fleet-oci checks an outage ocilab did not cause — the registry is ghcr\.io/);
    await expect(runTarget.stopServer('git')).rejects.toThrow("cannot stop it: the Git server is https://git.example.com/ada, not ocilab's");
  });
});
