import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { helmOciDelivery, helmRelease, toMultiDocYaml, FluxObjectError } from '../../src/flux/index.js';
import { CrdValidators, crdCache } from '../flux/crd-schemas.js';
import { inCI } from '../helpers/peers.js';

/** helm-controller's CRD from its Go module (scripts/ci/install-helm.sh downloads it). */
function helmReleaseSchema(): object | undefined {
  let dir = '';
  try {
    dir = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  } catch {
    /* no go */
  }
  const file = join(dir, 'github.com/fluxcd/helm-controller@v1.6.3/config/crd/bases/helm.toolkit.fluxcd.io_helmreleases.yaml');
  if (!existsSync(file)) {
    const why = `helm-controller v1.6.3 CRD not in the Go module cache (${file}); run scripts/ci/install-helm.sh`;
    if (inCI) throw new Error(why);
    console.warn(`[skip] ${why}`);
    return undefined;
  }
  const crd = parse(readFileSync(file, 'utf8')) as { spec: { versions: { name: string; schema: { openAPIV3Schema: object } }[] } };
  return crd.spec.versions.find((v) => v.name === 'v2')!.schema.openAPIV3Schema;
}

const schema = helmReleaseSchema();
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

  it.skipIf(!schema)('the HelmRelease validates against helm-controller v1.6.3\'s CRD schema (and a broken one does not)', () => {
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema!);
    expect(validate(release), JSON.stringify(validate.errors)).toBe(true);
    const bad = structuredClone(release) as any;
    bad.spec.chartRef.kind = 'GitRepository';
    delete bad.spec.interval;
    expect(validate(bad)).toBe(false);
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
