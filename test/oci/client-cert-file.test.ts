/**
 * `ocilab artifact … --cert-file/--key-file` (mutual TLS) against the embedded registry
 * requiring client certificates from its throwaway CA; the files are checked to be a pair
 * before any connection.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryHandle } from '../../src/registry/server.js';
import { createRegistryCertificate, type RegistryCertificate } from '../../src/registry/tls-cert.js';
import type { HttpsRegistry } from '../registry/tls-fixture.js';
import { artifactCli as cli, startCliTlsRegistry } from './artifact-cli.js';

let fixture: HttpsRegistry;
let work: string;
let cert: RegistryCertificate;
let reg: RegistryHandle;
let requests = 0;

beforeAll(async () => {
  fixture = await startCliTlsRegistry('certfile', { clientAuth: true });
  ({ work, cert, reg } = fixture);
  reg.on('request', () => requests++);
});
afterAll(async () => {
  await fixture?.close();
});

describe('ocilab artifact --cert-file/--key-file', () => {
  it('pushes and pulls with the client certificate', async () => {
    const f = cert.files!;
    const url = `oci://${reg.hostPort}/ocilab/mtls-cli`;
    const tlsFlags = ['--ca-file', f.ca, '--cert-file', f.clientCert!, '--key-file', f.clientKey!];
    const push = await cli(['push', `${url}:v1`, '--path', join(work, 'src'), '--source', 's', '--revision', 'r', ...tlsFlags]);
    expect(push.err).toBe('');
    expect(push.code).toBe(0);
    const pull = await cli(['pull', `${url}:v1`, '--output', join(work, 'out'), ...tlsFlags]);
    expect(pull.code).toBe(0);
    expect(await readFile(join(work, 'out', 'app.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
  });

  it('without them the registry\'s demand is named', async () => {
    const r = await cli(['pull', `oci://${reg.hostPort}/ocilab/mtls-cli:v1`, '--output', join(work, 'x'), '--ca-file', cert.files!.ca]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/requires a client certificate/);
  });

  it('half a pair, a mismatched pair or a missing file: refused before any connection, key text not shown', async () => {
    const f = cert.files!;
    const other = await createRegistryCertificate({ clientAuth: true, caName: 'other' });
    await writeFile(join(work, 'other.key'), other.client!.key, { mode: 0o600 });
    const before = requests;
    const base = ['pull', `oci://${reg.hostPort}/ocilab/mtls-cli:v1`, '--output', join(work, 'y'), '--ca-file', f.ca];
    expect((await cli([...base, '--cert-file', f.clientCert!])).err).toMatch(/--cert-file needs --key-file too/);
    const mismatch = await cli([...base, '--cert-file', f.clientCert!, '--key-file', join(work, 'other.key')]);
    expect(mismatch.err).toMatch(/not a usable client certificate: tls: private key does not match public key/);
    expect(mismatch.err).not.toContain(other.client!.key.split('\n')[1]!);
    expect((await cli([...base, '--cert-file', f.clientCert!, '--key-file', join(work, 'nope.key')])).err).toMatch(/--key-file .*nope\.key: cannot read it \(ENOENT\)/);
    expect((await cli([...base, '--insecure-registry', '--cert-file', f.clientCert!, '--key-file', f.clientKey!])).err).toMatch(/contradict/);
    expect(requests).toBe(before);
  });
});
