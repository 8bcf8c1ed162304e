/** Arguments of the target actions and the run flags: what is built, and the errors a scenario author sees. */
import { describe, expect, it } from 'vitest';
import { targetSettings, type RunOptions } from '../../src/commands/run.js';
import { Plan } from '../../src/kube/plan.js';
import { buildObject, fluxApply, objectsFromYaml } from '../../src/targets/actions.js';

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

  it.each([
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
