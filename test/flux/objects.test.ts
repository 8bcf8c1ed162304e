import { readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { demoCosignSecret, demoFluxObjects } from '../../src/flux/demo.js';
import { FluxObjectError, cosignPublicKeySecret, gitRepository, kustomization, ociRepository } from '../../src/flux/objects.js';
import { helmOciDelivery, helmRelease } from '../../src/flux/helm.js';
import { helmChart, helmRepository } from '../../src/flux/helm-source.js';
import { parseMultiDocYaml, toMultiDocYaml } from '../../src/flux/render.js';
import { CrdValidators, crdCache } from './crd-schemas.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const PUB = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** Every shape the builders can produce, each a real-world use. */
const objects = {
  'oci tag, insecure (kind-registry)': ociRepository({ name: 'app', url: 'oci://kind-registry:5000/ocilab/demo', ref: { tag: 'latest' }, insecure: true }),
  'oci semver + filter': ociRepository({ name: 'app', url: 'oci://ghcr.io/org/app', ref: { semver: '>=1.0.0', semverFilter: '.*-rc.*' }, interval: '5m' }),
  'oci digest, cosign key verify, layerSelector copy': ociRepository({
    name: 'signed',
    url: 'oci://localhost:5001/ocilab/demo',
    ref: { digest: DIGEST },
    interval: '30s',
    timeout: '60s',
    provider: 'generic',
    pullSecret: 'regcred',
    layerSelector: { mediaType: 'application/vnd.cncf.flux.content.v1.tar+gzip', operation: 'copy' },
    verify: { provider: 'cosign', secret: 'cosign-pub' },
  }),
  'oci keyless verify': ociRepository({
    name: 'flux-manifests',
    url: 'oci://ghcr.io/fluxcd/flux-manifests',
    ref: { tag: 'latest' },
    verify: { matchOIDCIdentity: [{ issuer: '^https://token.actions.githubusercontent.com$', subject: '^https://github.com/fluxcd/flux2.*$' }] },
  }),
  'oci provider aws (workload identity)': ociRepository({ name: 'app', url: 'oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/app', ref: { tag: 'v1' }, provider: 'aws' }),
  'helm repository type oci, insecure': helmRepository({ name: 'charts', url: 'oci://kind-registry:5000/charts', insecure: true }),
  'helm repository oci, provider azure, timeout': helmRepository({ name: 'charts', url: 'oci://me.azurecr.io/charts', provider: 'azure', timeout: '60s', interval: '10m' }),
  'helm repository classic https': helmRepository({ name: 'podinfo', url: 'https://stefanprodan.github.io/podinfo' }),
  'helm chart with cosign verify': helmChart({ name: 'podinfo-lite', chart: 'podinfo-lite', version: '>=0.1.0', source: { name: 'charts' }, verify: { secret: 'cosign-pub' } }),
  'helm chart keyless verify, exact version': helmChart({
    name: 'podinfo',
    chart: 'podinfo',
    version: '6.7.1',
    source: { name: 'podinfo' },
    interval: '1m',
    verify: { matchOIDCIdentity: [{ issuer: '^https://token.actions.githubusercontent.com$', subject: '^https://github.com/stefanprodan/podinfo.*$' }] },
  }),
  'helm chart from git, values files': helmChart({ name: 'app', chart: './charts/app', source: { kind: 'GitRepository', name: 'app' }, valuesFiles: ['values.yaml', 'values-prod.yaml'] }),
  'helm release with chartRef, disableWait': helmRelease({ name: 'podinfo-lite', source: { name: 'podinfo-lite' }, targetNamespace: 'demo-helm', createNamespace: true, disableWait: true, retries: 3 }),
  'helm oci delivery pair (source)': helmOciDelivery({ registryHost: 'kind-registry:5000', insecure: true, cosignSecret: 'cosign-pub', provider: 'generic' }).source,
  'helm oci delivery pair (release)': helmOciDelivery({ registryHost: 'kind-registry:5000', insecure: true }).release,
  'git branch': gitRepository({ name: 'app', url: 'http://host.docker.internal:8080/demo.git', ref: { branch: 'main' } }),
  'git commit + branch, sparse': gitRepository({
    name: 'app',
    url: 'https://example.com/org/repo.git',
    ref: { branch: 'main', commit: 'b'.repeat(40) },
    interval: '1h',
    secret: 'git-auth',
    sparseCheckout: ['deploy/'],
    ignore: '/*\n!/deploy\n',
  }),
  'git tag': gitRepository({ name: 'app', url: 'ssh://git@example.com/org/repo.git', ref: { tag: 'v1.2.3' } }),
  'kustomization from oci': kustomization({ name: 'app', source: { kind: 'OCIRepository', name: 'app' } }),
  'kustomization from git, all options': kustomization({
    name: 'app',
    namespace: 'team-a',
    source: { kind: 'GitRepository', name: 'app', namespace: 'flux-system' },
    path: './deploy',
    prune: false,
    interval: '10m',
    targetNamespace: 'demo',
    timeout: '2m',
    retryInterval: '30s',
    wait: true,
  }),
};

const dir = crdCache();
const validators = dir ? new CrdValidators(dir) : undefined;

describe.skipIf(!validators)('Flux objects validate against the real CRD schemas', () => {
  it('loads the served versions of the six CRDs', () => {
    expect(validators!.kinds()).toEqual([
      'helm.toolkit.fluxcd.io/v2/HelmRelease',
      'kustomize.toolkit.fluxcd.io/v1/Kustomization',
      'source.toolkit.fluxcd.io/v1/GitRepository',
      'source.toolkit.fluxcd.io/v1/HelmChart',
      'source.toolkit.fluxcd.io/v1/HelmRepository',
      'source.toolkit.fluxcd.io/v1/OCIRepository',
    ]);
    expect(validators!.versions).toContain('source-controller=v1.9.5');
    expect(validators!.versions).toContain('helm-controller=v1.6.4');
  });

  for (const [what, object] of Object.entries(objects)) {
    it(what, () => expect(validators!.errors(object)).toBe(''));
  }

  it('the demo objects and the rendered cluster/flux templates validate', () => {
    for (const o of Object.values(demoFluxObjects({ cosignSecret: 'cosign-pub' }))) expect(validators!.errors(o)).toBe('');
    for (const file of ['git.yaml', 'oci.yaml']) {
      const docs = parseMultiDocYaml(readFileSync(new URL(`../../cluster/flux/${file}`, import.meta.url), 'utf8'), file);
      for (const d of docs as { apiVersion: string; kind: string }[]) expect(validators!.errors(d)).toBe('');
    }
  });

  it('the validator is live: schema violations are reported', () => {
    const bad = ociRepository({ name: 'app', url: 'oci://r/x', ref: { tag: 't' } }) as any;
    bad.spec.url = 'https://r/x';
    bad.spec.interval = 'soon';
    bad.spec.layerSelector = { mediaType: 'x', operation: 'move' };
    const errors = validators!.errors(bad);
    expect(errors).toContain('/spec/url must match pattern "^oci://.*$"');
    expect(errors).toContain('/spec/interval must match pattern');
    expect(errors).toContain('/spec/layerSelector/operation must be equal to one of the allowed values');
    const ks = kustomization({ name: 'a', source: { kind: 'GitRepository', name: 'a' } }) as any;
    delete ks.spec.prune;
    ks.spec.sourceRef.kind = 'HelmRepository';
    expect(validators!.errors(ks)).toMatch(/must have required property 'prune'.*must be equal to one of the allowed values|allowed values.*prune/);
    const repo = helmRepository({ name: 'c', url: 'oci://r/charts' }) as any;
    repo.spec.type = 'zip';
    repo.spec.provider = 'ibm';
    expect(validators!.errors(repo)).toContain('/spec/type must be equal to one of the allowed values');
    expect(validators!.errors(repo)).toContain('/spec/provider must be equal to one of the allowed values');
    const chart = helmChart({ name: 'c', chart: 'c', source: { name: 'c' } }) as any;
    delete chart.spec.sourceRef;
    chart.spec.verify = { provider: 'gpg' };
    expect(validators!.errors(chart)).toMatch(/required property 'sourceRef'/);
    expect(validators!.errors(chart)).toMatch(/\/spec\/verify\/provider must be equal to one of the allowed values/);
  });
});

describe('builder input errors name the field', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['tag in url', () => ociRepository({ name: 'a', url: 'oci://r:5000/x:v1', ref: { tag: 'v1' } }), /spec\.url: .*must not carry a tag/],
    ['digest in url', () => ociRepository({ name: 'a', url: `oci://r/x@${DIGEST}`, ref: { tag: 'v1' } }), /spec\.url/],
    ['not oci://', () => ociRepository({ name: 'a', url: 'https://r/x', ref: { tag: 'v1' } }), /spec\.url: .*oci:\/\/host\/repository/],
    ['bad digest', () => ociRepository({ name: 'a', url: 'oci://r/x', ref: { digest: 'sha256:abc' } }), /spec\.ref\.digest/],
    ['bad interval', () => ociRepository({ name: 'a', url: 'oci://r/x', ref: { tag: 't' }, interval: '1 minute' }), /spec\.interval: "1 minute"/],
    ['hours in timeout', () => ociRepository({ name: 'a', url: 'oci://r/x', ref: { tag: 't' }, timeout: '1h' }), /spec\.timeout/],
    ['upper-case name', () => gitRepository({ name: 'App', url: 'http://h/r.git', ref: { branch: 'main' } }), /metadata\.name: "App"/],
    ['scp-style git url', () => gitRepository({ name: 'a', url: 'git@github.com:org/repo.git', ref: { branch: 'main' } }), /spec\.url/],
    ['empty ref', () => gitRepository({ name: 'a', url: 'http://h/r.git', ref: { branch: '' } }), /spec\.ref/],
    ['short commit', () => gitRepository({ name: 'a', url: 'http://h/r.git', ref: { commit: 'abc123' } }), /spec\.ref\.commit/],
    ['path escapes', () => kustomization({ name: 'a', source: { kind: 'GitRepository', name: 'a' }, path: '../x' }), /spec\.path/],
    ['unknown OCI provider', () => ociRepository({ name: 'a', url: 'oci://r/x', ref: { tag: 't' }, provider: 'ibm' as any }), /OCIRepository\.spec\.provider: "ibm" is not one of generic, aws, azure, gcp/],
    ['helm repo oci url with tag', () => helmRepository({ name: 'a', url: 'oci://r/charts/app:1.0.0' }), /HelmRepository\.spec\.url: .*must not carry a tag/],
    ['helm repo ftp', () => helmRepository({ name: 'a', url: 'ftp://r/charts' }), /HelmRepository\.spec\.url/],
    ['helm repo insecure not oci', () => helmRepository({ name: 'a', url: 'https://r/charts', insecure: true }), /spec\.insecure: only .* type oci/],
    ['helm repo provider', () => helmRepository({ name: 'a', url: 'oci://r/charts', provider: 'ibm' }), /HelmRepository\.spec\.provider/],
    ['helm chart verify from git', () => helmChart({ name: 'a', chart: 'a', source: { kind: 'GitRepository', name: 'a' }, verify: {} }), /HelmChart\.spec\.verify: only supported when spec\.sourceRef\.kind is 'HelmRepository'/],
    ['helm chart bad interval', () => helmChart({ name: 'a', chart: 'a', source: { name: 'a' }, interval: 'daily' }), /HelmChart\.spec\.interval/],
    ['helm chart empty version', () => helmChart({ name: 'a', chart: 'a', source: { name: 'a' }, version: '' }), /HelmChart\.spec\.version/],
    ['secret key not .pub', () => cosignPublicKeySecret({ name: 's', publicKeyPem: PUB, key: 'cosign.key' }), /must end in \.pub/],
    ['private key given', () => cosignPublicKeySecret({ name: 's', publicKeyPem: '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n' }), /PUBLIC KEY/],
  ];
  for (const [what, build, message] of cases) {
    it(what, () => {
      expect(build).toThrow(FluxObjectError);
      expect(build).toThrow(message);
    });
  }
});

describe('cosign public key Secret', () => {
  it('is what kubectl create secret generic --from-file=cosign.pub gives', () => {
    const s = demoCosignSecret(PUB);
    expect(s).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cosign-pub', namespace: 'flux-system' },
      type: 'Opaque',
      data: { 'cosign.pub': Buffer.from(PUB).toString('base64') },
    });
  });
});

describe('cluster/flux templates are the builders rendered', () => {
  const { git, oci, gitKustomization, ociKustomization } = demoFluxObjects({ cosignSecret: 'cosign-pub' });
  const header = '# Rendered from src/flux/demo.ts (demoFluxObjects); regenerate: UPDATE_FLUX_TEMPLATES=1 npx vitest run test/flux\n';
  const expected: Record<string, string> = {
    'git.yaml': header + toMultiDocYaml([git, gitKustomization]),
    'oci.yaml': header + toMultiDocYaml([oci, ociKustomization]),
  };
  for (const [file, text] of Object.entries(expected)) {
    it(file, () => {
      const path = fileURLToPath(new URL(`../../cluster/flux/${file}`, import.meta.url));
      if (process.env.UPDATE_FLUX_TEMPLATES === '1') writeFileSync(path, text);
      expect(readFileSync(path, 'utf8')).toBe(text);
    });
  }
});
