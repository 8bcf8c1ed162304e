/**
 * Builders for the other way Flux takes a chart from an OCI registry (source-controller
 * v1.9.5, `source.toolkit.fluxcd.io/v1`): a HelmRepository of `type: oci` (the registry path
 * the charts live under) and a HelmChart picking one chart and version out of it, which can
 * `verify` the chart's cosign signature before it is stored. Checked like the other builders
 * (including the CRD's CEL rule: verify only with a HelmRepository source).
 */
import { duration, FluxObjectError, meta, provider, type MetaOptions } from './objects.js';
import { SOURCE_API, type HelmChart, type HelmRepository, type OCIProvider } from './types.js';

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface HelmRepositoryOptions extends MetaOptions {
  /** `oci://host[:port]/path` (type oci) or `http(s)://…` (a classic index.yaml repository). */
  url: string;
  /** Default: oci when the url starts with oci://. */
  type?: 'default' | 'oci';
  interval?: string;
  timeout?: string;
  provider?: OCIProvider | string;
  /** Plain HTTP registry; only meaningful for type oci. */
  insecure?: boolean;
  pullSecret?: string;
  suspend?: boolean;
}

export function helmRepository(o: HelmRepositoryOptions): HelmRepository {
  const metadata = meta('HelmRepository', o);
  const type = o.type ?? (o.url.startsWith('oci://') ? 'oci' : 'default');
  if (type === 'oci' && !/^oci:\/\/[^/]+(\/.*)?$/.test(o.url)) {
    throw new FluxObjectError('HelmRepository.spec.url', `"${o.url}" must look like oci://host/path for type oci`);
  }
  if (type === 'default' && !/^https?:\/\/.+/.test(o.url)) {
    throw new FluxObjectError('HelmRepository.spec.url', `"${o.url}" must start with http:// or https:// (or use oci:// with type oci)`);
  }
  if (type === 'oci' && /[:@][^/]*$/.test(o.url.slice('oci://'.length).split('/').slice(1).join('/'))) {
    throw new FluxObjectError('HelmRepository.spec.url', `"${o.url}" must not carry a tag or digest: the chart's version goes in the HelmChart`);
  }
  if (o.insecure && type !== 'oci') throw new FluxObjectError('HelmRepository.spec.insecure', 'only taken into account for type oci');
  const spec: HelmRepository['spec'] = { url: o.url, interval: duration('HelmRepository.spec.interval', o.interval ?? '5m') };
  if (type === 'oci') spec.type = 'oci';
  if (o.timeout) spec.timeout = duration('HelmRepository.spec.timeout', o.timeout, false);
  if (o.provider) spec.provider = provider('HelmRepository.spec.provider', o.provider);
  if (o.insecure !== undefined) spec.insecure = o.insecure;
  if (o.pullSecret) spec.secretRef = { name: o.pullSecret };
  if (o.suspend !== undefined) spec.suspend = o.suspend;
  return { apiVersion: SOURCE_API, kind: 'HelmRepository', metadata, spec };
}

export interface HelmChartOptions extends MetaOptions {
  /** Chart name (for an OCI HelmRepository: the last path element of the chart's repository). */
  chart: string;
  /** Exact version or semver range; default `*` (the newest). */
  version?: string;
  source: { kind?: 'HelmRepository' | 'GitRepository' | 'Bucket'; name: string };
  interval?: string;
  /** Verify the chart's signature before storing it: cosign with the public keys in `secret` (keyless without). */
  verify?: { provider?: 'cosign' | 'notation'; secret?: string; matchOIDCIdentity?: { issuer: string; subject: string }[] };
  valuesFiles?: string[];
  suspend?: boolean;
}

export function helmChart(o: HelmChartOptions): HelmChart {
  const metadata = meta('HelmChart', o);
  if (!o.chart || /\s/.test(o.chart)) throw new FluxObjectError('HelmChart.spec.chart', `"${o.chart}" is not a chart name`);
  if (!NAME.test(o.source.name)) throw new FluxObjectError('HelmChart.spec.sourceRef.name', `"${o.source.name}" is not a valid name`);
  const kind = o.source.kind ?? 'HelmRepository';
  if (o.verify && kind !== 'HelmRepository') {
    throw new FluxObjectError('HelmChart.spec.verify', `only supported when spec.sourceRef.kind is 'HelmRepository' (not ${kind})`);
  }
  if (o.version !== undefined && (o.version === '' || /\s{2,}|^\s|\s$/.test(o.version))) {
    throw new FluxObjectError('HelmChart.spec.version', `"${o.version}" is not a version or semver range`);
  }
  const spec: HelmChart['spec'] = {
    chart: o.chart,
    version: o.version ?? '*',
    sourceRef: { kind, name: o.source.name },
    interval: duration('HelmChart.spec.interval', o.interval ?? '5m'),
  };
  if (o.valuesFiles) spec.valuesFiles = [...o.valuesFiles];
  if (o.verify) {
    spec.verify = { provider: o.verify.provider ?? 'cosign' };
    if (o.verify.secret) spec.verify.secretRef = { name: o.verify.secret };
    if (o.verify.matchOIDCIdentity) spec.verify.matchOIDCIdentity = o.verify.matchOIDCIdentity.map((m) => ({ ...m }));
  }
  if (o.suspend !== undefined) spec.suspend = o.suspend;
  return { apiVersion: SOURCE_API, kind: 'HelmChart', metadata, spec };
}
