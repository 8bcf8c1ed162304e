/**
 * Installing Flux from manifests (no flux CLI): objects parsed from YAML must reach the API
 * server with their wire field names. client-node's KubernetesObjectApi serializes a known
 * kind through its model (the same ObjectSerializer.serialize that dumpYaml uses), so a plain
 * CRD loses `x-kubernetes-preserve-unknown-fields`; the real API server then refused Flux's
 * HelmRelease CRD (kind cluster, issue 21).
 */
import { dumpYaml, type KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseMultiDocYaml } from '../../src/flux/render.js';
import { asClientNodeModel } from '../../src/targets/flux-install.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: helmreleases.helm.toolkit.fluxcd.io
spec:
  group: helm.toolkit.fluxcd.io
  names: {kind: HelmRelease, plural: helmreleases}
  scope: Namespaced
  versions:
    - name: v2
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                values:
                  x-kubernetes-preserve-unknown-fields: true
`;

describe('Flux install manifests through client-node', () => {
  it('a plain parsed CRD loses x-kubernetes-preserve-unknown-fields in client-node serialization; the model keeps it', () => {
    const [plain] = parseMultiDocYaml(CRD, 'crd.yaml') as KubernetesObject[];
    expect(dumpYaml(plain!)).not.toContain('x-kubernetes-preserve-unknown-fields');
    const sent = dumpYaml(asClientNodeModel(plain!));
    expect(sent).toContain('x-kubernetes-preserve-unknown-fields: true');
    expect(sent).toContain('name: helmreleases.helm.toolkit.fluxcd.io');
  });

  it('a kind client-node has no model for passes through unchanged', () => {
    const obj = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'x', namespace: 'flux-system' }, spec: { url: 'oci://kind-registry:5000/x', ref: { tag: 'latest' } } };
    expect(asClientNodeModel(obj as KubernetesObject)).toEqual(obj);
  });
});
