/**
 * registry.start (with tls), registry.stop and registry.restart as scenario actions: an outage
 * and a return on the same address with the same content and certificate; artifact.push /
 * artifact.pull trust the run's CA through caFile.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionContext } from '../../src/engine/action-definition.js';
import { registryActions } from '../../src/registry/actions.js';
import { ociActions } from '../../src/oci/actions.js';
import { actionContext } from '../helpers/action-context.js';

const action = (name: string) => [...registryActions, ...ociActions].find((a) => a.name === name)!;
const run = (name: string, args: unknown, c: ActionContext) => action(name).run(action(name).args.parse(args), c);

function refused(hostPort: string): Promise<boolean> {
  const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const s = connect({ host, port }, () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });
}

describe('registry actions: tls, stop, restart', () => {
  let work: string;
  let c: ActionContext;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'ocilab-regact-'));
    await mkdir(join(work, 'manifests'));
    await writeFile(join(work, 'manifests', 'app.yaml'), 'kind: ConfigMap\n');
    c = actionContext(work).ctx;
  });
  afterEach(async () => {
    await c.cleanup.runAll();
    await rm(work, { recursive: true, force: true });
  });

  it('an HTTPS registry survives stop + restart on the same port with its content and CA', async () => {
    expect(await run('registry.start', { tls: true }, c)).toEqual({ ok: true });
    const host = c.vars['registry.host']!;
    expect(c.vars['registry.url']).toBe(`https://${host}`);
    expect((await stat(join(c.vars['registry.tls.dir']!, 'tls.key'))).mode & 0o777).toBe(0o600);
    const url = `oci://${host}/outage/app:v1`;
    expect(await run('artifact.push', { url, path: 'manifests', source: 's', revision: 'r', caFile: c.vars['registry.ca'] }, c)).toEqual({ ok: true });
    const digest = c.vars['artifact.digest'];

    expect(await run('artifact.pull', { url }, c)).toMatchObject({ ok: false, message: expect.stringMatching(/HTTP|TLS|plain|reach/) });

    expect(await run('registry.stop', {}, c)).toEqual({ ok: true });
    expect(await refused(host)).toBe(true);
    expect(await run('artifact.pull', { url, caFile: c.vars['registry.ca'] }, c)).toMatchObject({ ok: false, message: expect.stringMatching(/cannot reach/) });

    expect(await run('registry.restart', {}, c)).toEqual({ ok: true });
    expect(c.vars['registry.host']).toBe(host);
    expect(await run('artifact.pull', { url, caFile: c.vars['registry.ca'], output: join(work, 'out') }, c)).toEqual({ ok: true });
    expect(c.vars['artifact.digest']).toBe(digest);
  });

  it('restart while running restarts; restart without start, or of a memory registry, says why', async () => {
    expect(await run('registry.restart', {}, c)).toMatchObject({ ok: false, message: expect.stringMatching(/registry.start first/) });
    expect(await run('registry.start', {}, c)).toEqual({ ok: true });
    const host = c.vars['registry.host'];
    expect(await run('registry.restart', {}, c)).toEqual({ ok: true });
    expect(c.vars['registry.host']).toBe(host);
    expect(c.vars['registry.url']).toBe(`http://${host}`);
    await run('registry.stop', {}, c);
    const m: ActionContext = { ...c, vars: {} };
    expect(await run('registry.start', { memory: true }, m)).toEqual({ ok: true });
    expect(await run('registry.restart', {}, m)).toMatchObject({ ok: false, message: expect.stringMatching(/memory registry/) });
    await m.cleanup.runAll();
  });

  it('tlsClientAuth: mutual TLS; artifact actions present registry.tls.clientCert/clientKey, and fail without', async () => {
    expect(await run('registry.start', { tlsClientAuth: true }, c)).toMatchObject({ ok: false, message: expect.stringMatching(/needs tls: true/) });
    expect(await run('registry.start', { tls: true, tlsClientAuth: true }, c)).toEqual({ ok: true });
    const key = c.vars['registry.tls.clientKey']!;
    expect((await stat(key)).mode & 0o777).toBe(0o600);
    const url = `oci://${c.vars['registry.host']}/mtls/app:v1`;
    const tls = { caFile: c.vars['registry.ca'], certFile: c.vars['registry.tls.clientCert'], keyFile: key };
    expect(await run('artifact.push', { url, path: 'manifests', source: 's', revision: 'r', ...tls }, c)).toEqual({ ok: true });
    expect(await run('artifact.pull', { url, output: join(work, 'out'), ...tls }, c)).toEqual({ ok: true });
    expect(await run('artifact.pull', { url, caFile: c.vars['registry.ca'] }, c)).toMatchObject({ ok: false, message: expect.stringMatching(/requires a client certificate/) });
  });
});
