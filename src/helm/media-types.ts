/**
 * Helm's OCI media types (helm pkg/registry/constants.go, the same in Helm v3 and v4).
 * A chart in a registry is an OCI image manifest with one config blob (Chart.yaml's metadata
 * as JSON) and one layer (the chart archive `helm package` writes), tagged with the chart
 * version (`+` written as `_`, which OCI tags cannot hold).
 */
export const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
export const HELM_PROVENANCE_LAYER = 'application/vnd.cncf.helm.chart.provenance.v1.prov';
/** Charts pushed by Helm 3.0–3.6 era tooling; helm pull still accepts it. */
export const HELM_LEGACY_CHART_LAYER = 'application/tar+gzip';

/** OCI annotation keys helm push sets (image-spec annotations.go). */
export const OCI_ANNOTATION = {
  created: 'org.opencontainers.image.created',
  authors: 'org.opencontainers.image.authors',
  url: 'org.opencontainers.image.url',
  source: 'org.opencontainers.image.source',
  version: 'org.opencontainers.image.version',
  title: 'org.opencontainers.image.title',
  description: 'org.opencontainers.image.description',
} as const;

/** A chart version as an OCI tag: Helm writes `+` (build metadata) as `_`. */
export function versionToTag(version: string): string {
  return version.replaceAll('+', '_');
}

export function tagToVersion(tag: string): string {
  return tag.replaceAll('_', '+');
}
