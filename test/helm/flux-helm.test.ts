import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { helmOciDelivery, helmRelease } from '../../src/flux/helm.js';
import { FluxObjectError } from '../../src/flux/objects.js';
import { parseMultiDocYaml, toMultiDocYaml } from '../../src/flux/render.js';
import { interpolateString } from '../../src/engine/interpolate.js';
import { CrdValidators, crdCache } from '../flux/crd-schemas.js';

const sources = crdCache();

describe('Flux objects for a Helm chart from OCI', () => {
  const { source, release } = helmOciDelivery({ registryHost: 'kind-registry:5000', insecure: true, cosignSecret: 'cosign-pub', values: { message: 'hello from values' } });

  it('the OCIRepository copies the chart layer; the HelmRelease points at it with chartRef', () => {
    expect(source.spec.layerSelector).toEqual({ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' });
    expect(source.spec.ref).toEqual({ semver: '>=0.1.0' });
    expect(source.spec.verify).toEqual({ provider: 'cosign', secretRef: { name: 'cosign-pub' } });
    expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'podinfo-lite' });
    expect(release.spec.values).toEqual({ message: 'hello from values' });
  });

  // helm-controller v1.6.4 is the version Flux v2.9.5 pins (flux2 go.mod and manifests/bases/helm-controller).
  it.skipIf(!sources)("the HelmRelease validates against helm-controller v1.6.4's CRD schema (and a broken one does not)", () => {
    const v = new CrdValidators(sources!);
    expect(v.versions).toContain('helm-controller=v1.6.4');
    expect(v.errors(release)).toBe('');
    const bad = structuredClone(release) as any;
    bad.spec.chartRef.kind = 'GitRepository';
    delete bad.spec.interval;
    expect(v.errors(bad)).toMatch(/\/spec\/chartRef\/kind must be equal to one of the allowed values/);
  });

  it.skipIf(!sources)('the OCIRepository validates against source-controller\'s CRD schema', () => {
    expect(new CrdValidators(sources!).errors(source)).toBe('');
  });

  it('refuses bad input with the field named', () => {
    expect(() => helmRelease({ name: 'Bad_Name', source: { name: 'x' } })).toThrow(FluxObjectError);
    expect(() => helmRelease({ name: 'ok', source: { name: 'x' }, interval: 'soon' })).toThrow(/HelmRelease\.spec\.interval/);
  });

  it('cluster/flux/helm-oci.yaml is the builders rendered', () => {
    const text = '# Rendered from src/flux/helm.ts (helmOciDelivery); regenerate: UPDATE_FLUX_TEMPLATES=1 npx vitest run test/helm\n' + toMultiDocYaml([source, release]);
    const path = fileURLToPath(new URL('../../cluster/flux/helm-oci.yaml', import.meta.url));
    if (process.env.UPDATE_FLUX_TEMPLATES === '1') writeFileSync(path, text);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});

describe.skipIf(!sources)('cluster/flux/workload-identity.yaml', () => {
  it('each provider example is a valid OCIRepository (source-controller CRD schema)', () => {
    const docs = readFileSync(new URL('../../cluster/flux/workload-identity.yaml', import.meta.url), 'utf8').split(/^---$/m).map((d) => parse(d) as { apiVersion: string; kind: string; spec: { provider: string } });
    expect(docs.map((d) => d.spec.provider)).toEqual(['aws', 'azure', 'gcp']);
    for (const d of docs) expect(new CrdValidators(sources!).errors(d)).toBe('');
  });
});

describe.skipIf(!sources)('scenarios/helm-oci files, as flux.apply fills them', () => {
  const vars = { 'cosign.pubBase64': Buffer.from('pem').toString('base64'), 'registry.pull': 'oci://kind-registry:5000', 'registry.insecure': 'true' };
  for (const file of ['chart-source.yaml', 'helm-chart.yaml']) {
    it(`${file}: every Flux object validates against the real CRD schema`, () => {
      const text = interpolateString(readFileSync(new URL(`../../scenarios/helm-oci/${file}`, import.meta.url), 'utf8'), vars);
      const docs = parseMultiDocYaml(text, file) as { apiVersion: string; kind: string }[];
      const flux = docs.filter((d) => d.kind !== 'Secret');
      expect(flux.length).toBeGreaterThan(0);
      for (const d of flux) expect(new CrdValidators(sources!).errors(d), `${file} ${d.kind}`).toBe('');
    });
  }
  it('the HelmChart verifies with cosign from a HelmRepository of type oci', () => {
    const docs = parseMultiDocYaml(interpolateString(readFileSync(new URL('../../scenarios/helm-oci/helm-chart.yaml', import.meta.url), 'utf8'), vars), 'helm-chart.yaml') as any[];
    expect(docs.map((d) => d.kind)).toEqual(['HelmRepository', 'HelmChart']);
    expect(docs[0].spec).toMatchObject({ type: 'oci', url: 'oci://kind-registry:5000/charts', insecure: true });
    expect(docs[1].spec).toMatchObject({ sourceRef: { kind: 'HelmRepository', name: 'charts' }, verify: { provider: 'cosign', secretRef: { name: 'cosign-pub' } } });
  });
});
