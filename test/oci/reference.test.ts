import { describe, expect, it } from 'vitest';
import { formatReference, manifestIdentifier, parseReference } from '../../src/oci/reference.js';
import { OciError } from '../../src/oci/errors.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  it.each([
    // input, registry, repository, tag, digest, scheme
    ['oci://ghcr.io/stefanprodan/manifests/podinfo:6.5.0', 'ghcr.io', 'stefanprodan/manifests/podinfo', '6.5.0', undefined, 'https'],
    ['oci://localhost:5000/app:v1', 'localhost:5000', 'app', 'v1', undefined, 'http'],
    ['localhost/app', 'localhost', 'app', undefined, undefined, 'http'],
    ['127.0.0.1:5000/a/b/c', '127.0.0.1:5000', 'a/b/c', undefined, undefined, 'http'],
    [`oci://127.0.0.1:38111/app@${D}`, '127.0.0.1:38111', 'app', undefined, D, 'http'],
    [`oci://10.1.2.3/app:v1@${D}`, '10.1.2.3', 'app', 'v1', D, 'http'],
    ['172.16.0.1/x', '172.16.0.1', 'x', undefined, undefined, 'http'],
    ['172.32.0.1/x', '172.32.0.1', 'x', undefined, undefined, 'https'],
    ['192.168.1.10:5001/team/app:latest', '192.168.1.10:5001', 'team/app', 'latest', undefined, 'http'],
    ['kind-registry.local:5000/app', 'kind-registry.local:5000', 'app', undefined, undefined, 'http'],
    ['[::1]:5000/app:v2', '[::1]:5000', 'app', 'v2', undefined, 'http'],
    ['registry.example.com:443/org/app', 'registry.example.com:443', 'org/app', undefined, undefined, 'https'],
    ['alpine', 'index.docker.io', 'library/alpine', undefined, undefined, 'https'],
    ['alpine:3.20', 'index.docker.io', 'library/alpine', '3.20', undefined, 'https'],
    ['fluxcd/flux-cli:v2.4.0', 'index.docker.io', 'fluxcd/flux-cli', 'v2.4.0', undefined, 'https'],
    ['docker.io/nginx', 'index.docker.io', 'library/nginx', undefined, undefined, 'https'],
    ['public.ecr.aws/a_b/c__d-e.f:T_1.0-x', 'public.ecr.aws', 'a_b/c__d-e.f', 'T_1.0-x', undefined, 'https'],
  ])('%s', (input, registry, repository, tag, digest, scheme) => {
    const ref = parseReference(input);
    expect(ref).toEqual({ registry, repository, tag, digest, scheme });
  });

  it('insecure forces http', () => {
    expect(parseReference('oci://ghcr.io/org/app', { insecure: true }).scheme).toBe('http');
  });

  it.each([
    ['', 'empty'],
    ['oci://', 'empty'],
    ['https://ghcr.io/org/app', 'only the oci:// scheme'],
    ['oci://ghcr.io/Org/app', 'lowercase'],
    ['oci://ghcr.io/org//app', 'repository component ""'],
    ['oci://ghcr.io/org/app/', 'repository component ""'],
    ['oci://ghcr.io/org/-app', 'repository component "-app"'],
    ['oci://ghcr.io/org/app:', 'tag ""'],
    ['oci://ghcr.io/org/app:-bad', 'tag "-bad"'],
    [`oci://ghcr.io/org/app:${'t'.repeat(129)}`, 'tag'],
    ['oci://ghcr.io/org/app@sha256:abc', 'digest "sha256:abc"'],
    [`oci://ghcr.io/org/app@sha256:${'A'.repeat(64)}`, 'digest'],
    ['oci://host:99999/app', 'bad port'],
    ['oci://ho_st.com/app', 'bad registry host'],
    ['oci://ghcr.io/org/app name', 'whitespace'],
    [`oci://ghcr.io/${'a'.repeat(256)}`, 'longer than 255'],
  ])('refuses %j', (input, why) => {
    let err: unknown;
    try {
      parseReference(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OciError);
    expect((err as OciError).code).toBe('INVALID_REFERENCE');
    expect((err as OciError).message).toContain(why);
  });

  it('formats and identifies', () => {
    const ref = parseReference(`oci://127.0.0.1:5000/app:v1@${D}`);
    expect(formatReference(ref)).toBe(`oci://127.0.0.1:5000/app:v1@${D}`);
    expect(formatReference(ref, { oci: false })).toBe(`127.0.0.1:5000/app:v1@${D}`);
    expect(manifestIdentifier(ref)).toBe(D);
    expect(manifestIdentifier(parseReference('oci://ghcr.io/a'))).toBe('latest');
  });
});
