/**
 * Workload identity (issue 10): an OCIRepository with `spec.provider: aws|azure|gcp` logs in to
 * the cloud's own registry with source-controller's cloud identity instead of a pull Secret.
 * It can only run inside EKS/AKS/GKE against ECR/ACR/Artifact Registry; everywhere else the
 * step is shown, not run, with the reason. Registry hosts as Flux's auth code matches them
 * (fluxcd/pkg oci/auth: aws `registryPartRe` — `<digits>.dkr.ecr[-fips].<region>.` then
 * amazonaws.com[.cn] or a non-public partition; azure `acrRE` — `*.azurecr.io|cn|de|us`; gcp:
 * `gcr.io`, `*.gcr.io`, `*.pkg.dev`, as go-containerregistry's Google keychain), anchored at the
 * end; the node's cloud comes from `spec.providerID` (`aws:///…`, `azure:///…`, `gce://…`).
 */
export type Cloud = 'aws' | 'azure' | 'gcp';

export const CLOUD_NAMES: Record<Cloud, { cluster: string; registry: string }> = {
  aws: { cluster: 'EKS', registry: 'ECR' },
  azure: { cluster: 'AKS', registry: 'ACR' },
  gcp: { cluster: 'GKE', registry: 'Artifact Registry / GCR' },
};

const REGISTRY_PATTERNS: [Cloud, RegExp][] = [
  ['aws', /^\d*\.dkr\.ecr(-fips)?\.[^/.]*\.(amazonaws\.com(\.cn)?|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/],
  ['azure', /\.azurecr\.(io|cn|de|us)$/],
  ['gcp', /(^|\.)gcr\.io$|\.pkg\.dev$/],
];

/** The cloud whose registry serves `host` (no port), or undefined. */
export function cloudOfRegistry(host: string): Cloud | undefined {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  return REGISTRY_PATTERNS.find(([, re]) => re.test(h))?.[0];
}

/** The cloud a node runs on, from its `spec.providerID`, or undefined (kind://, empty, other). */
export function cloudOfProviderId(providerId: string | undefined): Cloud | undefined {
  if (!providerId) return undefined;
  if (providerId.startsWith('aws://')) return 'aws';
  if (providerId.startsWith('azure://')) return 'azure';
  if (providerId.startsWith('gce://')) return 'gcp';
  return undefined;
}

/** The host of an `oci://host[:port]/repo` URL. */
export function registryHostOf(url: string): string {
  return url.replace(/^oci:\/\//, '').split('/')[0]!;
}

export type IdentityDecision = { run: true; provider: Cloud } | { run: false; reason: string };

/**
 * Whether the workload-identity step can run for real: the cluster target, nodes on one cloud,
 * and a registry of that same cloud. `nodeProviderIds` undefined: the nodes could not be read.
 */
export function decideIdentity(o: { target: string; url: string | undefined; nodeProviderIds?: string[]; nodesError?: string }): IdentityDecision {
  if (o.target !== 'cluster') {
    return { run: false, reason: `the ${o.target} target is not a cloud cluster: workload identity needs EKS, AKS or GKE and the cloud's own registry (run it with --target cluster on one, --param identity-url=oci://<cloud registry>/<repo>)` };
  }
  if (!o.url) return { run: false, reason: 'no cloud registry given: --param identity-url=oci://<ECR|ACR|Artifact Registry host>/<repo>' };
  const host = registryHostOf(o.url);
  const registryCloud = cloudOfRegistry(host);
  if (!registryCloud) return { run: false, reason: `${host} is not a cloud registry (ECR, ACR, Artifact Registry/GCR): there is no cloud identity to log in with` };
  if (!o.nodeProviderIds) return { run: false, reason: `the cluster's nodes could not be read (${o.nodesError ?? 'unknown error'}), so its cloud is unknown` };
  const clouds = new Set(o.nodeProviderIds.map(cloudOfProviderId));
  const names = CLOUD_NAMES[registryCloud];
  if (clouds.size !== 1 || !clouds.has(registryCloud)) {
    const seen = o.nodeProviderIds.length === 0 ? 'no nodes' : [...new Set(o.nodeProviderIds.map((p) => p.split(':')[0] || '(no providerID)'))].join(', ');
    return { run: false, reason: `${host} is ${names.registry}, but the cluster's nodes are not all on ${names.cluster} (providerID: ${seen})` };
  }
  return { run: true, provider: registryCloud };
}
