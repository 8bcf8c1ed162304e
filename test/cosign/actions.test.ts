/**
 * The scenario actions end to end on a real registry, with ocilab's own signer (tool: ocilab),
 * following the cosign-verify scenario: keys → push → sign → verify → tamper → recover.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignActions } from '../../src/cosign/actions.js';
import type { ActionContext } from '../../src/engine/action-definition.js';
import { peer } from '../helpers/peers.js';
import { pushArtifact, startDistribution, type TestRegistry } from './registry-peer.js';
import { actionContext } from '../helpers/action-context.js';

const bin = peer('docker-registry', 'scripts/ci/install-cosign.sh');
const cosignBin = peer('cosign', 'scripts/ci/install-cosign.sh');
const action = (name: string) => cosignActions.find((a) => a.name === name)!;

describe.skipIf(!bin)('cosign actions (ocilab signer)', () => {
  let reg: TestRegistry;
  let workDir: string;
  const lines: string[] = [];
  let ctx: ActionContext;

  beforeAll(async () => {
    reg = await startDistribution();
    workDir = await mkdtemp(join(tmpdir(), 'ocilab-cosign-actions-'));
    ctx = actionContext(workDir, { log: (l) => lines.push(l) }).ctx;
  });
  afterAll(async () => {
    await reg?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  async function run(name: string, raw: unknown) {
    const def = action(name);
    return def.run(def.args.parse(raw), ctx);
  }

  it('has the four actions with schemas that reject typos', () => {
    expect(cosignActions.map((a) => a.name)).toEqual(['cosign.generate-key-pair', 'cosign.sign', 'cosign.verify', 'cosign.check-key-pair']);
    expect(action('cosign.verify').args.safeParse({ url: 'x', expekt: 'fail' }).success).toBe(false);
  });

  it('runs the cosign-verify storyline', async () => {
    expect(await run('cosign.generate-key-pair', { tool: 'ocilab' })).toEqual({ ok: true });
    expect(await run('cosign.generate-key-pair', { name: 'attacker', tool: 'ocilab' })).toEqual({ ok: true });
    expect(ctx.vars['cosign.key']).toBe(join(workDir, 'keys', 'cosign.key'));
    expect(Buffer.from(ctx.vars['cosign.pubBase64']!, 'base64').toString()).toBe(await readFile(ctx.vars['cosign.pub']!, 'utf8'));
    expect(await run('cosign.check-key-pair', {})).toEqual({ ok: true });
    expect(await run('cosign.check-key-pair', { name: 'nobody' })).toMatchObject({ ok: false, message: expect.stringMatching(/nobody\.key is missing/) });
    expect((await stat(ctx.vars['cosign.passwordFile']!)).mode & 0o777).toBe(0o600);
    const password = await readFile(ctx.vars['cosign.passwordFile']!, 'utf8');
    const keyBefore = await readFile(ctx.vars['cosign.key']!, 'utf8');
    expect(await run('cosign.generate-key-pair', { tool: 'ocilab' })).toEqual({ ok: true });
    expect(lines.at(-1)).toMatch(/^reusing the key pair in /);
    expect(await readFile(ctx.vars['cosign.key']!, 'utf8')).toBe(keyBefore);

    const ref = `${reg.host}/demo/app:latest`;
    await pushArtifact(reg.client, 'demo/app', 'latest', 'v1');
    expect(await run('cosign.sign', { url: ref, tool: 'ocilab' })).toEqual({ ok: true });
    expect(lines.some((l) => l.startsWith('$ COSIGN_PASSWORD=… cosign sign --key ') && l.includes('--tlog-upload=false'))).toBe(true);
    expect(await run('cosign.verify', { url: `oci://${ref}`, tool: 'ocilab' })).toEqual({ ok: true });

    // tamper 1: unsigned new version on the same tag
    await pushArtifact(reg.client, 'demo/app', 'latest', 'v2 unsigned');
    const t1 = await run('cosign.verify', { url: ref, tool: 'ocilab' });
    expect(t1.ok).toBe(false);
    expect(t1.message).toMatch(/^not signed: this artifact \(sha256:[0-9a-f]{12}…\) has no cosign signature at all \(Flux: VerificationError\)$/);
    expect(lines.some((l) => /VerificationError: failed to verify the signature using provider 'cosign': no matching signatures were found .* the artifact is not signed/.test(l))).toBe(true);
    expect(await run('cosign.verify', { url: ref, tool: 'ocilab', expect: 'fail' })).toEqual({ ok: true });

    // tamper 2: signed with a different key
    expect(await run('cosign.sign', { url: ref, keyName: 'attacker', tool: 'ocilab' })).toEqual({ ok: true });
    const t2 = await run('cosign.verify', { url: ref, tool: 'ocilab' });
    expect(t2.ok).toBe(false);
    expect(t2.message).toMatch(/^signed, but not with cosign\.pub: no signature on sha256:[0-9a-f]{12}… verifies with that key/);
    expect(lines.some((l) => l.includes('does not verify with cosign.pub'))).toBe(true);

    // recover: sign properly
    expect(await run('cosign.sign', { url: ref, tool: 'ocilab' })).toEqual({ ok: true });
    expect(await run('cosign.verify', { url: ref, tool: 'ocilab' })).toEqual({ ok: true });
    const failOnGood = await run('cosign.verify', { url: ref, tool: 'ocilab', expect: 'fail' });
    expect(failOnGood.ok).toBe(false);
    expect(failOnGood.message).toMatch(/expected verification .* to fail/);

    // nothing secret in any log line
    for (const l of lines) {
      expect(l).not.toContain(password);
      expect(l).not.toMatch(/PRIVATE KEY/);
    }
  }, 120_000);

  it.skipIf(!cosignBin)('with the real cosign (tool: cosign): its keys, its signature, both verifiers agree', async () => {
    lines.length = 0;
    expect(await run('cosign.generate-key-pair', { name: 'real', tool: 'cosign' })).toEqual({ ok: true });
    expect(lines[0]).toBe('$ COSIGN_PASSWORD=… cosign generate-key-pair --output-key-prefix real');
    const ref = `${reg.host}/demo/real:v1`;
    await pushArtifact(reg.client, 'demo/real', 'v1', 'real');
    expect(await run('cosign.sign', { url: ref, keyName: 'real', tool: 'cosign' })).toEqual({ ok: true });
    expect(await run('cosign.verify', { url: ref, keyName: 'real', tool: 'cosign' })).toEqual({ ok: true });
    expect(lines.some((l) => l.startsWith('note: the real cosign'))).toBe(false);
    await pushArtifact(reg.client, 'demo/real', 'v1', 'real, unsigned');
    expect(await run('cosign.verify', { url: ref, keyName: 'real', tool: 'cosign', expect: 'fail' })).toEqual({ ok: true });
    expect(lines.some((l) => l.startsWith('note: the real cosign'))).toBe(false);
    const password = await readFile(ctx.vars['real.passwordFile']!, 'utf8');
    for (const l of lines) expect(l).not.toContain(password);
  }, 120_000);

  it('a half-present key pair is refused with what to remove', async () => {
    await writeFile(join(workDir, 'keys', 'half.key'), 'x');
    const r = await run('cosign.generate-key-pair', { name: 'half', tool: 'ocilab' });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/holds part of a half key pair; remove half\.key\/\.pub\/\.password/);
  });

  it('sign without keys says which step to run first', async () => {
    await expect(run('cosign.sign', { url: `${reg.host}/x/y:v1`, keyName: 'nobody', tool: 'ocilab' })).rejects.toThrow(
      /variable nobody\.key is not set; run cosign\.generate-key-pair first/,
    );
  });
});
