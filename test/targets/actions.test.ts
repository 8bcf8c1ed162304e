/** Arguments of the target actions and the run flags: what is built, and the errors a scenario author sees. */
import { describe, expect, it } from 'vitest';
import { targetSettings, type RunOptions } from '../../src/commands/run.js';
import { Plan } from '../../src/kube/plan.js';
import { buildObject, fluxApply, objectsFromYaml } from '../../src/flux/actions.js';

const run = (o: Partial<RunOptions>): RunOptions => ({ target: 'local', mode: 'present', param: [], ...o });

describe('flux.apply arguments', () => {
  it('builds an OCIRepository with the string booleans interpolation produces', () => {
    const args = fluxApply.args.parse({ kind: 'OCIRepository', name: 'demo', url: 'oci://kind-registry:5000/ocilab/demo', tag: 'v1', insecure: 'true', verifySecret: 'cosign-pub' });
    expect(buildObject(args as never, 'flux-system')).toMatchObject({
      kind: 'OCIRepository',
      metadata: { name: 'demo', namespace: 'flux-system' },
      spec: { url: 'oci://kind-registry:5000/ocilab/demo', ref: { tag: 'v1' }, insecure: true, verify: { provider: 'cosign', secretRef: { name: 'cosign-pub' } } },
    });
  });

  it('passes provider and the layer selector through to the OCIRepository', () => {
    const args = fluxApply.args.parse({
      kind: 'OCIRepository',
      name: 'chart',
      url: 'oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/charts/app',
      semver: '>=1.0.0',
      provider: 'aws',
      layerMediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
      layerOperation: 'copy',
    });
    expect(buildObject(args as never, 'flux-system')).toMatchObject({
      spec: { provider: 'aws', ref: { semver: '>=1.0.0' }, layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' } },
    });
  });

  it('builds HelmRepository (type oci), HelmChart with verify and HelmRelease with chartRef', () => {
    const repo = buildObject(fluxApply.args.parse({ kind: 'HelmRepository', name: 'charts', url: 'oci://kind-registry:5000/charts', insecure: 'true' }) as never, 'ns');
    expect(repo).toMatchObject({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { namespace: 'ns' }, spec: { type: 'oci', insecure: true, url: 'oci://kind-registry:5000/charts' } });
    const chart = buildObject(fluxApply.args.parse({ kind: 'HelmChart', name: 'podinfo-lite', chart: 'podinfo-lite', version: '>=0.1.0', repository: 'charts', verifySecret: 'cosign-pub' }) as never, 'ns');
    expect(chart).toMatchObject({ spec: { chart: 'podinfo-lite', version: '>=0.1.0', sourceRef: { kind: 'HelmRepository', name: 'charts' }, verify: { provider: 'cosign', secretRef: { name: 'cosign-pub' } } } });
    const release = buildObject(fluxApply.args.parse({ kind: 'HelmRelease', name: 'podinfo-lite', sourceName: 'podinfo-lite', disableWait: true, values: { replicaCount: 2 } }) as never, 'ns');
    expect(release).toMatchObject({ apiVersion: 'helm.toolkit.fluxcd.io/v2', spec: { chartRef: { kind: 'OCIRepository', name: 'podinfo-lite' }, install: { disableWait: true }, upgrade: { disableWait: true }, values: { replicaCount: 2 } } });
  });

  it("HelmRelease `wait` (helm-oci's release-wait param, a string after interpolation): false disables the wait on install and upgrade, true leaves helm-controller's default", () => {
    const build = (extra: Record<string, unknown>) =>
      buildObject(fluxApply.args.parse({ kind: 'HelmRelease', name: 'podinfo-lite', sourceName: 'podinfo-lite', retries: 3, ...extra }) as never, 'ns') as unknown as { spec: { install: Record<string, unknown>; upgrade: Record<string, unknown> } };
    const noWait = build({ wait: 'false' });
    expect(noWait.spec.install).toEqual({ disableWait: true, remediation: { retries: 3 } });
    expect(noWait.spec.upgrade).toEqual({ disableWait: true, remediation: { retries: 3 } });
    for (const waits of [build({ wait: 'true' }), build({ wait: true }), build({})]) {
      expect(waits.spec.install).toEqual({ remediation: { retries: 3 } });
      expect(waits.spec.upgrade).toEqual({ remediation: { retries: 3 } });
    }
    expect(() => build({ wait: 'sometimes' })).toThrow(/wait must be true or false, got "sometimes"/);
    expect(() => build({ wait: 'false', disableWait: true })).toThrow(/disableWait or wait, not both/);
  });

  it.each([
    [{ kind: 'OCIRepository', name: 'demo', url: 'oci://r:5000/x', layerOperation: 'copy' }, /layerOperation needs layerMediaType/],
    [{ kind: 'HelmRepository', name: 'charts', url: 'oci://r/charts', insecure: 'maybe' }, /insecure must be true or false/],
    [{ kind: 'OCIRepository', name: 'demo', url: 'oci://r:5000/x:v1' }, /must not carry a tag or digest/],
    [{ kind: 'OCIRepository', name: 'demo', url: 'oci://r:5000/x', insecure: 'yes' }, /insecure must be true or false/],
    [{ kind: 'GitRepository', name: 'demo', url: 'git@github.com:me/x' }, /must start with http/],
    [{ kind: 'Kustomization', name: 'demo', sourceKind: 'OCIRepository', sourceName: 'demo', path: '../etc' }, /'\.\.' is not allowed/],
  ])('%j is refused with the field named', (raw, message) => {
    expect(() => buildObject(fluxApply.args.parse(raw) as never, 'flux-system')).toThrow(message);
  });

  it('YAML documents get the target namespace and must be kinds ocilab can apply', () => {
    const [o] = objectsFromYaml('apiVersion: v1\nkind: Secret\nmetadata: {name: cosign-pub}\ndata: {}\n', 'x.yaml', 'ocilab-ada');
    expect(o?.metadata.namespace).toBe('ocilab-ada');
    expect(() => objectsFromYaml('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n', 'x.yaml', 'n')).toThrow(/x.yaml: document 1: ocilab does not know where Deployment/);
    expect(() => objectsFromYaml('kind: Secret\n', 'x.yaml', 'n')).toThrow(/document 1 needs apiVersion, kind and metadata.name/);
  });

  it('refuses an unknown provider at argument parsing, naming the allowed values', () => {
    const r = fluxApply.args.safeParse({ kind: 'OCIRepository', name: 'demo', url: 'oci://r/x', provider: 'ibm' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/generic.*aws.*azure.*gcp/);
  });
});

describe('ocilab run target flags', () => {
  it('each flag belongs to its target; --dry-run needs kind or cluster', () => {
    expect(() => targetSettings(run({ target: 'kind', namespace: 'x' }), undefined)).toThrow('--namespace applies to --target cluster, not kind');
    expect(() => targetSettings(run({ target: 'local', gitUrl: 'http://x' }), undefined)).toThrow('--git-url applies to --target kind or cluster, not local');
    expect(() => targetSettings(run({ dryRun: true }), undefined)).toThrow(/--dry-run shows what the kind or cluster target/);
    const plan = new Plan();
    expect(targetSettings(run({ target: 'cluster', context: 'ws', registryUrl: 'ghcr.io/me', installFlux: true, dryRun: true }), plan)).toEqual({ plan, context: 'ws', registryUrl: 'ghcr.io/me', installFlux: true });
  });
});
