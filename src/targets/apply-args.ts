/**
 * `flux.apply`'s argument forms that build one object (kind: OCIRepository | GitRepository |
 * Kustomization | HelmRepository | HelmChart | HelmRelease), and the object each builds with
 * src/flux's builders (so a bad argument fails with the field named, before anything is sent).
 */
import { z } from 'zod';
import { helmRelease } from '../flux/helm.js';
import { helmChart, helmRepository } from '../flux/helm-source.js';
import { gitRepository, kustomization, ociRepository } from '../flux/objects.js';
import { OCI_PROVIDERS } from '../flux/types.js';
import { targetsArg } from './action-support.js';
import { TargetError, type TargetObject } from './target.js';

const name = z.string().min(1);
export const durationArg = z.string().regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/, 'a duration like 30s, 1m or 1h30m');
const meta = {
  name: name.describe('The object\'s metadata.name.'),
  namespace: z.string().optional().describe('Its namespace (default: the target\'s, ${target.namespace}).'),
  interval: durationArg
    .optional()
    .describe('spec.interval: how often Flux reconciles it (default 1m for OCIRepository and GitRepository, 5m for HelmRepository and HelmChart, 10m for Kustomization and HelmRelease).'),
  targets: targetsArg,
};
/** `${registry.insecure}` (a string after interpolation) is accepted. */
const flag = z.union([z.boolean(), z.string()]);
const timeoutArg = durationArg.optional().describe('spec.timeout: how long one fetch may take (Flux\'s default when absent).');

export const ociArgs = z
  .object({
    kind: z.literal('OCIRepository').describe('An OCIRepository (source.toolkit.fluxcd.io/v1).'),
    ...meta,
    url: z.string().describe('spec.url: `oci://<host>/<repository>`, as Flux reaches it (e.g. ${registry.pull}/app).'),
    tag: z.string().optional().describe('spec.ref.tag (default latest when no semver or digest).'),
    semver: z.string().optional().describe('spec.ref.semver: the highest tag in this range (wins over tag).'),
    digest: z.string().optional().describe('spec.ref.digest: pin `sha256:…` (wins over semver and tag).'),
    insecure: flag.optional().describe('spec.insecure: plain HTTP; `${registry.insecure}` is accepted.'),
    provider: z.enum(OCI_PROVIDERS).optional().describe('spec.provider: generic (default), or the cloud\'s workload identity (aws, azure, gcp).'),
    layerMediaType: z
      .string()
      .optional()
      .describe('spec.layerSelector.mediaType: the layer to use, by media type (a Helm chart\'s application/vnd.cncf.helm.chart.content.v1.tar+gzip).'),
    layerOperation: z
      .enum(['extract', 'copy'])
      .optional()
      .describe('spec.layerSelector.operation: extract (default) unpacks the layer, copy stores it as it is (a chart .tgz); needs layerMediaType.'),
    verifySecret: z.string().optional().describe('spec.verify with provider cosign: the Secret holding the public key(s) (*.pub) to verify signatures with.'),
    timeout: timeoutArg,
  })
  .strict();
export const gitArgs = z
  .object({
    kind: z.literal('GitRepository').describe('A GitRepository (source.toolkit.fluxcd.io/v1).'),
    ...meta,
    url: z.string().describe('spec.url, as Flux reaches it (e.g. ${git.repo.pull}).'),
    branch: z.string().optional().describe('spec.ref.branch (default main when no tag or commit).'),
    tag: z.string().optional().describe('spec.ref.tag (wins over branch).'),
    commit: z.string().optional().describe('spec.ref.commit: pin one commit (wins over tag; with branch, on that branch).'),
    timeout: timeoutArg,
  })
  .strict();
export const ksArgs = z
  .object({
    kind: z.literal('Kustomization').describe('A Kustomization (kustomize.toolkit.fluxcd.io/v1).'),
    ...meta,
    sourceKind: z.enum(['OCIRepository', 'GitRepository']).describe('spec.sourceRef.kind.'),
    sourceName: name.describe('spec.sourceRef.name: the source, in the same namespace.'),
    path: z.string().optional().describe('spec.path: the directory in the source to apply (default: its root).'),
    targetNamespace: z.string().optional().describe('spec.targetNamespace: the namespace its objects go to.'),
    prune: z.boolean().optional().describe('spec.prune: delete what the source no longer has.'),
    wait: z.boolean().optional().describe('spec.wait: Ready only once everything applied is ready.'),
  })
  .strict();
export const helmRepoArgs = z
  .object({
    kind: z.literal('HelmRepository').describe('A HelmRepository (source.toolkit.fluxcd.io/v1).'),
    ...meta,
    url: z.string().describe('spec.url: `oci://<host>/<path>` (type oci, no tag) or an http(s) chart repository.'),
    insecure: flag.optional().describe('spec.insecure: plain HTTP (OCI repositories); `${registry.insecure}` is accepted.'),
    provider: z.enum(OCI_PROVIDERS).optional().describe('spec.provider: generic (default), or the cloud\'s workload identity (aws, azure, gcp).'),
    timeout: timeoutArg,
  })
  .strict();
export const helmChartArgs = z
  .object({
    kind: z.literal('HelmChart').describe('A HelmChart (source.toolkit.fluxcd.io/v1).'),
    ...meta,
    chart: name.describe('spec.chart: the chart\'s name in the repository.'),
    version: z.string().optional().describe('spec.version: exact version or semver range (default `*`).'),
    repository: name.describe('spec.sourceRef: the HelmRepository it comes from.'),
    verifySecret: z
      .string()
      .optional()
      .describe('spec.verify with provider cosign: the Secret holding the public key(s); the chart\'s signature is verified before it is stored.'),
  })
  .strict();
export const helmReleaseArgs = z
  .object({
    kind: z.literal('HelmRelease').describe('A HelmRelease (helm.toolkit.fluxcd.io/v2).'),
    ...meta,
    sourceName: name.describe('spec.chartRef: the OCIRepository holding the chart (applied with layerOperation copy).'),
    targetNamespace: z.string().optional().describe('spec.targetNamespace: the namespace the release goes to.'),
    createNamespace: z.boolean().optional().describe('spec.install.createNamespace: create targetNamespace when missing.'),
    disableWait: flag.optional().describe('spec.install.disableWait and spec.upgrade.disableWait: do not wait for the release\'s resources to be ready.'),
    wait: flag.optional().describe('The opposite of disableWait, for a scenario param (`wait: "${release-wait}"`): false sets disableWait.'),
    retries: z.number().int().min(0).optional().describe('spec.install.remediation.retries and spec.upgrade.remediation.retries.'),
    values: z.record(z.string(), z.unknown()).optional().describe('spec.values: the chart\'s values.'),
  })
  .strict();

export const objectArgs = z.discriminatedUnion('kind', [ociArgs, gitArgs, ksArgs, helmRepoArgs, helmChartArgs, helmReleaseArgs]);
export type ObjectArgs = z.infer<typeof objectArgs>;

function booleanOf(field: string, v: boolean | string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new TargetError(`flux.apply: ${field} must be true or false, got "${v}"`);
}

function insecureOf(v: boolean | string | undefined): { insecure?: boolean } {
  return v !== undefined ? { insecure: booleanOf('insecure', v) } : {};
}

/** HelmRelease: `disableWait` and `wait` (its negation) are exclusive; `wait: true` leaves helm-controller's default (wait). */
function disableWaitOf(disableWait: boolean | string | undefined, wait: boolean | string | undefined): { disableWait?: boolean } {
  if (disableWait !== undefined && wait !== undefined) throw new TargetError('flux.apply: HelmRelease takes disableWait or wait, not both');
  if (disableWait !== undefined) return { disableWait: booleanOf('disableWait', disableWait) };
  if (wait !== undefined && !booleanOf('wait', wait)) return { disableWait: true };
  return {};
}

/** The Flux object an action's arguments describe, built (and checked) by src/flux's builders. */
export function buildObject(a: ObjectArgs, namespace: string): TargetObject {
  const common = { name: a.name, namespace: a.namespace ?? namespace, ...(a.interval ? { interval: a.interval } : {}) };
  const built = (() => {
    switch (a.kind) {
      case 'OCIRepository': {
        const ref = a.digest ? { digest: a.digest } : a.semver ? { semver: a.semver } : { tag: a.tag ?? 'latest' };
        if (a.layerOperation && !a.layerMediaType) throw new TargetError('flux.apply: layerOperation needs layerMediaType (the layer to select)');
        return ociRepository({
          ...common,
          url: a.url,
          ref,
          ...insecureOf(a.insecure),
          ...(a.provider ? { provider: a.provider } : {}),
          ...(a.layerMediaType ? { layerSelector: { mediaType: a.layerMediaType, ...(a.layerOperation ? { operation: a.layerOperation } : {}) } } : {}),
          ...(a.timeout ? { timeout: a.timeout } : {}),
          ...(a.verifySecret ? { verify: { provider: 'cosign' as const, secret: a.verifySecret } } : {}),
        });
      }
      case 'GitRepository': {
        const ref = a.commit ? { commit: a.commit, ...(a.branch ? { branch: a.branch } : {}) } : a.tag ? { tag: a.tag } : { branch: a.branch ?? 'main' };
        return gitRepository({ ...common, url: a.url, ref, ...(a.timeout ? { timeout: a.timeout } : {}) });
      }
      case 'Kustomization':
        return kustomization({
          ...common,
          source: { kind: a.sourceKind, name: a.sourceName },
          ...(a.path ? { path: a.path } : {}),
          ...(a.targetNamespace ? { targetNamespace: a.targetNamespace } : {}),
          ...(a.prune !== undefined ? { prune: a.prune } : {}),
          ...(a.wait !== undefined ? { wait: a.wait } : {}),
        });
      case 'HelmRepository':
        return helmRepository({ ...common, url: a.url, ...insecureOf(a.insecure), ...(a.provider ? { provider: a.provider } : {}), ...(a.timeout ? { timeout: a.timeout } : {}) });
      case 'HelmChart':
        return helmChart({
          ...common,
          chart: a.chart,
          ...(a.version ? { version: a.version } : {}),
          source: { kind: 'HelmRepository', name: a.repository },
          ...(a.verifySecret ? { verify: { provider: 'cosign' as const, secret: a.verifySecret } } : {}),
        });
      case 'HelmRelease':
        return helmRelease({
          ...common,
          source: { name: a.sourceName },
          ...(a.targetNamespace ? { targetNamespace: a.targetNamespace } : {}),
          ...(a.createNamespace !== undefined ? { createNamespace: a.createNamespace } : {}),
          ...disableWaitOf(a.disableWait, a.wait),
          ...(a.retries !== undefined ? { retries: a.retries } : {}),
          ...(a.values ? { values: a.values } : {}),
        });
    }
  })();
  return built as unknown as TargetObject;
}
