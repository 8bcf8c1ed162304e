/**
 * The local target end to end, with createTarget('local')'s default wiring: target.up brings
 * up the embedded registry, ocilab's Git server and the local reconciler; flux.apply/flux.wait
 * deliver a GitRepository and an OCIRepository, and the cosign verifier (registered by
 * buildActionRegistry) rejects an unsigned artifact in Flux's words. git.serve in the same
 * run shares the target's server.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ActionContext } from '../../src/engine/action.js';
import { peer } from '../helpers/peers.js';
import { actionHarness, localContext, refused } from './local-run.js';

const hasGit = peer('git', 'apt-get install git');

describe.skipIf(!hasGit)('local target delivery (git server + local reconciler wired in)', () => {
  const h = actionHarness();
  const { cleanup, lines, step, run } = h;
  let ctx: ActionContext;

  afterAll(async () => {
    expect(await cleanup.runAll()).toEqual([]);
    if (ctx) await rm(ctx.workDir, { recursive: true, force: true });
  });

  it('GitRepository and OCIRepository become Ready with Flux revisions; an unsigned artifact fails verification', async () => {
    ctx = await localContext(h, 'local-delivery');
    const workDir = ctx.workDir;

    await run('target.up', {});
    const gitUrl = ctx.vars['git.url']!;
    expect(gitUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ctx.vars['git.pull']).toBe(gitUrl);
    expect(lines.some((l) => l.startsWith('local reconciler: running'))).toBe(true);

    // Git: a fixture in the directory the target's server serves.
    await run('fixtures.create', 'tiny');
    await run('flux.apply', { kind: 'GitRepository', name: 'fleet', url: `${gitUrl}/${ctx.vars['fixture.name']}.git`, branch: 'main' });
    await run('flux.wait', { kind: 'GitRepository', name: 'fleet', timeout: '30s' });
    expect(ctx.vars['flux.fleet.revision']).toBe(`main@sha1:${ctx.vars['fixture.head']}`);

    // Shared, not doubled: git.serve reuses the target's server.
    await run('git.serve', {});
    expect(ctx.vars['git.url']).toBe(gitUrl);
    expect(lines.some((l) => l.includes('(reused)') && l.includes(gitUrl))).toBe(true);
    expect(lines.filter((l) => l.includes('where it differs')).length).toBe(1);

    // OCI: push to the embedded registry, then an OCIRepository on it.
    const host = ctx.vars['registry.host']!;
    await mkdir(join(workDir, 'manifests'));
    await writeFile(join(workDir, 'manifests', 'configmap.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: demo}\ndata: {greeting: hello}\n');
    await run('artifact.push', { url: `oci://${host}/demo/app:v1`, path: 'manifests', source: `${gitUrl}/tiny.git`, revision: ctx.vars['flux.fleet.revision'], insecure: true });
    const digest = ctx.vars['artifact.digest']!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    await run('flux.apply', { kind: 'OCIRepository', name: 'app', url: `oci://${host}/demo/app`, tag: 'v1', insecure: true });
    await run('flux.wait', { kind: 'OCIRepository', name: 'app', timeout: '30s' });
    expect(ctx.vars['flux.app.revision']).toBe(`v1@${digest}`);

    // cosign: a public key that signed nothing; the artifact has no signature.
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await run('flux.apply', { yaml: `apiVersion: v1\nkind: Secret\nmetadata: {name: cosign-pub}\nstringData:\n  cosign.pub: |\n${pem.trimEnd().replace(/^/gm, '    ')}\n` });
    await run('flux.apply', { kind: 'OCIRepository', name: 'unsigned', url: `oci://${host}/demo/app`, tag: 'v1', insecure: true, verifySecret: 'cosign-pub' });
    const strict = await step('flux.wait', { kind: 'OCIRepository', name: 'unsigned', for: 'SourceVerified', timeout: '30s' });
    expect(strict.ok).toBe(false);
    await run('flux.wait', { kind: 'OCIRepository', name: 'unsigned', for: 'SourceVerified', expect: 'failure', timeout: '30s' });
    expect(ctx.vars['flux.unsigned.message']).toMatch(/^VerificationError: failed to verify the signature using provider 'cosign': no matching signatures/);

    // The local target runs sources only: a Kustomization is refused with the fix.
    const ks = await step('flux.apply', { kind: 'Kustomization', name: 'apps', sourceKind: 'OCIRepository', sourceName: 'app' });
    expect(ks).toMatchObject({ ok: false, message: expect.stringMatching(/runs Flux sources only .* --target kind/) });

    await run('target.down', {});
    expect(await refused(`${gitUrl}/tiny.git/info/refs?service=git-upload-pack`)).toBe(true);
    expect(await refused(`http://${host}/v2/`)).toBe(true);
    expect(cleanup.size).toBe(0);
  });
});
