/**
 * Builders for delivering a Helm chart from an OCI registry with Flux (helm-controller v1.6.4,
 * `helm.toolkit.fluxcd.io/v2`): an OCIRepository that selects the chart layer with
 * `operation: copy` (source-controller stores the chart .tgz as the artifact) and a
 * HelmRelease whose `chartRef` points at it. Checked like the other builders; the test
 * validates them against helm-controller's CRD schema.
 */
import { FluxObjectError, ociRepository, type OCIRepositoryOptions } from './objects.js';
import type { OCIRepositoryInput } from './sources.js';
import { FLUX_NAMESPACE, type ObjectMeta } from './types.js';

export const HELM_API = 'helm.toolkit.fluxcd.io/v2';
export const HELM_CHART_LAYER_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

export interface HelmRelease {
  apiVersion: typeof HELM_API;
  kind: 'HelmRelease';
  metadata: ObjectMeta;
  spec: {
    interval: string;
    chartRef: { kind: 'OCIRepository'; name: string; namespace?: string };
    releaseName?: string;
    targetNamespace?: string;
    timeout?: string;
    install?: { createNamespace?: boolean; disableWait?: boolean; remediation?: { retries: number } };
    upgrade?: { disableWait?: boolean; remediation?: { retries: number } };
    values?: Record<string, unknown>;
    suspend?: boolean;
  };
}

/** An OCIRepository for a chart: `<registry>/<path>/<chart>`, ref by version (tag) or semver range, chart layer copied. */
export function chartOciRepository(o: Omit<OCIRepositoryOptions, 'layerSelector'>): OCIRepositoryInput {
  return ociRepository({ ...o, layerSelector: { mediaType: HELM_CHART_LAYER_TYPE, operation: 'copy' } });
}

export interface HelmReleaseOptions {
  name: string;
  namespace?: string;
  /** The OCIRepository holding the chart. */
  source: { name: string; namespace?: string };
  interval?: string;
  releaseName?: string;
  targetNamespace?: string;
  createNamespace?: boolean;
  /** Install/upgrade retries before giving up (remediation). */
  retries?: number;
  /** Install and upgrade without waiting for the release's resources to be ready (a cluster without kubelet: the rig). */
  disableWait?: boolean;
  values?: Record<string, unknown>;
  timeout?: string;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

export function helmRelease(o: HelmReleaseOptions): HelmRelease {
  for (const [field, v] of [['metadata.name', o.name], ['spec.chartRef.name', o.source.name]] as const) {
    if (!NAME.test(v) || v.length > 253) throw new FluxObjectError(`HelmRelease.${field}`, `"${v}" is not a valid name (lower-case letters, digits, '-', '.')`);
  }
  if (o.releaseName && o.releaseName.length > 53) throw new FluxObjectError('HelmRelease.spec.releaseName', 'at most 53 characters (a Helm release name)');
  const interval = o.interval ?? '10m';
  if (!DURATION.test(interval)) throw new FluxObjectError('HelmRelease.spec.interval', `"${interval}" is not a duration like 30s, 1m or 1h30m`);
  if (o.timeout && !DURATION.test(o.timeout)) throw new FluxObjectError('HelmRelease.spec.timeout', `"${o.timeout}" is not a duration`);
  const chartRef: HelmRelease['spec']['chartRef'] = { kind: 'OCIRepository', name: o.source.name };
  if (o.source.namespace) chartRef.namespace = o.source.namespace;
  const spec: HelmRelease['spec'] = { interval, chartRef };
  if (o.releaseName) spec.releaseName = o.releaseName;
  if (o.targetNamespace) spec.targetNamespace = o.targetNamespace;
  if (o.timeout) spec.timeout = o.timeout;
  if (o.createNamespace !== undefined || o.retries !== undefined || o.disableWait !== undefined) {
    spec.install = {};
    if (o.createNamespace !== undefined) spec.install.createNamespace = o.createNamespace;
    if (o.disableWait !== undefined) spec.install.disableWait = o.disableWait;
    if (o.retries !== undefined) {
      spec.install.remediation = { retries: o.retries };
      spec.upgrade = { remediation: { retries: o.retries } };
    }
    // An upgrade (helm-oci's recover step: 0.2.0) would wait like the install did.
    if (o.disableWait !== undefined) spec.upgrade = { ...spec.upgrade, disableWait: o.disableWait };
  }
  if (o.values) spec.values = structuredClone(o.values);
  return { apiVersion: HELM_API, kind: 'HelmRelease', metadata: { name: o.name, namespace: o.namespace ?? FLUX_NAMESPACE }, spec };
}

export interface HelmOciDeliveryOptions {
  /** Registry as source-controller reaches it (kind-registry:5000, ghcr.io/me). */
  registryHost: string;
  /** Path of the chart repository under the registry, default charts/podinfo-lite. */
  chartPath?: string;
  /** A semver range (default) or exact version. */
  semver?: string;
  version?: string;
  insecure?: boolean;
  /** Secret with cosign.pub: the OCIRepository then verifies the chart's signature. */
  cosignSecret?: string;
  provider?: OCIRepositoryOptions['provider'];
  values?: Record<string, unknown>;
  namespace?: string;
}

/** The pair a scenario applies on kind/cluster: the chart's OCIRepository and its HelmRelease. */
export function helmOciDelivery(o: HelmOciDeliveryOptions): { source: OCIRepositoryInput; release: HelmRelease } {
  const chartPath = o.chartPath ?? 'charts/podinfo-lite';
  const name = chartPath.split('/').pop()!;
  const source = chartOciRepository({
    name,
    namespace: o.namespace,
    url: `oci://${o.registryHost}/${chartPath}`,
    ref: o.version ? { tag: o.version.replaceAll('+', '_') } : { semver: o.semver ?? '>=0.1.0' },
    interval: '1m',
    ...(o.insecure ? { insecure: true } : {}),
    ...(o.provider ? { provider: o.provider } : {}),
    ...(o.cosignSecret ? { verify: { provider: 'cosign' as const, secret: o.cosignSecret } } : {}),
  });
  const release = helmRelease({ name, namespace: o.namespace, source: { name }, targetNamespace: 'demo-helm', createNamespace: true, retries: 3, values: o.values, interval: '10m' });
  return { source, release };
}
