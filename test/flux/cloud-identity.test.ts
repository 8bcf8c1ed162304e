/** Workload identity: which registries and nodes belong to which cloud, and when the step runs for real. */
import { describe, expect, it } from 'vitest';
import { cloudOfProviderId, cloudOfRegistry, decideIdentity } from '../../src/flux/cloud-identity.js';

describe('cloudOfRegistry (the hosts Flux\'s oci/auth code matches)', () => {
  it.each([
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'aws'],
    ['123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', 'aws'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'aws'],
    ['myregistry.azurecr.io', 'azure'],
    ['myregistry.azurecr.cn', 'azure'],
    ['europe-west1-docker.pkg.dev', 'gcp'],
    ['gcr.io', 'gcp'],
    ['eu.gcr.io', 'gcp'],
    ['ghcr.io', undefined],
    ['localhost:5001', undefined],
    ['kind-registry:5000', undefined],
    ['12345.dkr.ecr.eu-west-1.amazonaws.com', 'aws'], // Flux's registryPartRe takes any digit run
    ['123456789012.dkr.ecr.eu-west-1.cloud.adc-e.uk', 'aws'],
    ['ecr.example.com', undefined],
    ['myregistry.azurecr.io.example.com', undefined],
  ])('%s → %s', (host, cloud) => {
    expect(cloudOfRegistry(host)).toBe(cloud);
  });
});

describe('cloudOfProviderId (node spec.providerID)', () => {
  it.each([
    ['aws:///eu-west-1a/i-0123456789abcdef0', 'aws'],
    ['azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1/virtualMachines/0', 'azure'],
    ['gce://my-project/europe-west1-b/gke-cluster-default-pool-1234', 'gcp'],
    ['kind://docker/kind/kind-control-plane', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (id, cloud) => {
    expect(cloudOfProviderId(id)).toBe(cloud);
  });
});

describe('decideIdentity', () => {
  const ecr = 'oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/ocilab/demo';
  it('local and kind: shown, not run, because there is no cloud identity', () => {
    for (const target of ['local', 'kind']) {
      const d = decideIdentity({ target, url: ecr });
      expect(d).toMatchObject({ run: false });
      expect(d.run === false && d.reason).toMatch(new RegExp(`the ${target} target is not a cloud cluster`));
    }
  });
  it('cluster without a URL, or with a registry that is not a cloud\'s: says what to give', () => {
    expect(decideIdentity({ target: 'cluster', url: undefined })).toEqual({ run: false, reason: expect.stringContaining('--param identity-url=') });
    expect(decideIdentity({ target: 'cluster', url: 'oci://ghcr.io/org/app', nodeProviderIds: ['aws:///a/i-1'] })).toEqual({ run: false, reason: expect.stringContaining('ghcr.io is not a cloud registry') });
  });
  it('cluster whose nodes are elsewhere (kind, none, mixed, unreadable): says which', () => {
    expect(decideIdentity({ target: 'cluster', url: ecr, nodeProviderIds: ['kind://docker/kind/kind-control-plane'] })).toEqual({
      run: false,
      reason: "123456789012.dkr.ecr.eu-west-1.amazonaws.com is ECR, but the cluster's nodes are not all on EKS (providerID: kind)",
    });
    expect(decideIdentity({ target: 'cluster', url: ecr, nodeProviderIds: [] })).toMatchObject({ run: false, reason: expect.stringContaining('(providerID: no nodes)') });
    expect(decideIdentity({ target: 'cluster', url: ecr, nodeProviderIds: ['aws:///a/i-1', 'gce://p/z/n'] })).toMatchObject({ run: false, reason: expect.stringContaining('providerID: aws, gce') });
    expect(decideIdentity({ target: 'cluster', url: ecr, nodesError: 'nodes is forbidden' })).toMatchObject({ run: false, reason: expect.stringContaining('nodes is forbidden') });
  });
  it('cluster on EKS with an ECR artifact: runs, provider aws (and likewise AKS/ACR, GKE/Artifact Registry)', () => {
    expect(decideIdentity({ target: 'cluster', url: ecr, nodeProviderIds: ['aws:///eu-west-1a/i-1', 'aws:///eu-west-1b/i-2'] })).toEqual({ run: true, provider: 'aws' });
    expect(decideIdentity({ target: 'cluster', url: 'oci://reg.azurecr.io/app', nodeProviderIds: ['azure:///subscriptions/s/x'] })).toEqual({ run: true, provider: 'azure' });
    expect(decideIdentity({ target: 'cluster', url: 'oci://europe-west1-docker.pkg.dev/p/r/app', nodeProviderIds: ['gce://p/z/n'] })).toEqual({ run: true, provider: 'gcp' });
  });
});
