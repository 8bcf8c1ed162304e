/** `ocilab artifact … --ca-file` against the embedded registry serving HTTPS with a throwaway CA. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCaBundle } from '../../src/oci/ca-file.js';
import type { RegistryHandle } from '../../src/registry/server.js';
import { createRegistryCertificate, type RegistryCertificate } from '../../src/registry/tls-cert.js';
import type { HttpsRegistry } from '../registry/tls-fixture.js';
import { artifactCli as cli, startCliTlsRegistry } from './artifact-cli.js';

let fixture: HttpsRegistry;
let work: string;
let cert: RegistryCertificate;
let reg: RegistryHandle;

beforeAll(async () => {
  fixture = await startCliTlsRegistry('cafile');
  ({ work, cert, reg } = fixture);
});
afterAll(async () => {
  await fixture?.close();
});

describe('ocilab artifact --ca-file', () => {
  it('pushes and pulls over HTTPS with the CA', async () => {
    const url = `oci://${reg.hostPort}/ocilab/app`;
    const push = await cli(['push', `${url}:v1`, '--path', join(work, 'src'), '--source', 's', '--revision', 'r', '--ca-file', cert.files!.ca]);
    expect(push.err).toBe('');
    expect(push.code).toBe(0);
    const pull = await cli(['pull', `${url}:v1`, '--output', join(work, 'out'), '--ca-file', cert.files!.ca]);
    expect(pull.code).toBe(0);
    expect(await readFile(join(work, 'out', 'app.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
  });

  it('fails with a TLS error naming --ca-file when the registry is not trusted', async () => {
    const other = await createRegistryCertificate({ dir: join(work, 'other'), caName: 'other CA' });
    const r = await cli(['pull', `oci://${reg.hostPort}/ocilab/app:v1`, '--output', join(work, 'x'), '--ca-file', other.files!.ca]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/x509: certificate signed by unknown authority/);
    expect(r.err).toMatch(/did not sign this certificate/);
  });

  it('refuses a missing or non-PEM CA file before connecting, and --insecure-registry with it', async () => {
    expect((await cli(['pull', `oci://${reg.hostPort}/a:v1`, '--output', join(work, 'y'), '--ca-file', join(work, 'nope.crt')])).err).toMatch(/--ca-file .*nope\.crt: cannot read it \(ENOENT\)/);
    await writeFile(join(work, 'junk.crt'), 'not a certificate');
    expect((await cli(['pull', `oci://${reg.hostPort}/a:v1`, '--output', join(work, 'y'), '--ca-file', join(work, 'junk.crt')])).err).toMatch(/no PEM certificate/);
    expect((await cli(['pull', `oci://${reg.hostPort}/a:v1`, '--output', join(work, 'y'), '--insecure-registry', '--ca-file', cert.files!.ca])).err).toMatch(/contradict/);
  });

  it('parseCaBundle rejects a PEM block that is not a certificate', () => {
    expect(() => parseCaBundle('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'x')).toThrow(/not valid X.509/);
    expect(parseCaBundle(cert.caPem + cert.certPem, 'x').match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });
});
