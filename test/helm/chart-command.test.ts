import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { chartCommand } from '../../src/commands/chart.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';

async function cli(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  process.exitCode = 0;
  await chartCommand({ stdout, stderr }).exitOverride().parseAsync(args, { from: 'user' });
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

describe('ocilab chart', () => {
  let reg: RegistryHandle;
  let work: string;
  beforeAll(async () => {
    reg = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'ocilab-chart-cli-'));
  });
  afterAll(async () => {
    await reg?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('package, push, list, show, pull — each with the equivalent helm command', async () => {
    const p = await cli(['package', resolve('cluster/charts/podinfo-lite'), '-d', work]);
    expect(p.err).toMatch(/^equivalent: helm package .* --destination /);
    const archive = join(work, 'podinfo-lite-0.1.0.tgz');
    expect(p.out).toContain(archive);
    const push = await cli(['push', archive, `oci://${reg.hostPort}/charts`, '--plain-http']);
    expect(push.err).toContain(`equivalent: helm push ${archive} oci://${reg.hostPort}/charts --plain-http`);
    expect(push.out).toMatch(new RegExp(`^Pushed: ${reg.hostPort}/charts/podinfo-lite:0\\.1\\.0\\nDigest: sha256:[0-9a-f]{64}\\n$`));
    const list = await cli(['list', `oci://${reg.hostPort}/charts/podinfo-lite`, '-o', 'json']);
    expect(JSON.parse(list.out)).toMatchObject([{ version: '0.1.0', tag: '0.1.0', appVersion: '6.7.1' }]);
    const values = await cli(['show', 'values', `oci://${reg.hostPort}/charts/podinfo-lite`, '--version', '0.1.0']);
    expect(values.out).toContain('replicaCount: 1');
    const pull = await cli(['pull', `oci://${reg.hostPort}/charts/podinfo-lite`, '--version', '0.1.0', '-d', join(work, 'pulled')]);
    expect(await readFile(join(work, 'pulled', 'podinfo-lite-0.1.0.tgz'))).toEqual(await readFile(archive));
    expect(pull.code).toBe(0);
  });

  it('errors are one line on stderr with exit code 1', async () => {
    const r = await cli(['show', 'values', `oci://${reg.hostPort}/charts/nope`, '--version', '9.9.9']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/✗ .*nope.*(not found|MANIFEST_UNKNOWN|NAME_UNKNOWN)/);
  });
});
