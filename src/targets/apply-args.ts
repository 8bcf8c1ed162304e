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
const meta = { name, namespace: z.string().optional(), interval: durationArg.optional(), targets: targetsArg };
/** `${registry.insecure}` (a string after interpolation) is accepted. */
const flag = z.union([z.boolean(), z.string()]);

export const ociArgs = z
  .object({
    kind: z.literal('OCIRepository'),
    ...meta,
    url: z.string(),
    tag: z.string().optional(),
    semver: z.string().optional(),
    digest: z.string().optional(),
    /** Plain HTTP. */
    insecure: flag.optional(),
    /** Registry auth: generic (default), or the cloud's workload identity (aws, azure, gcp). */
    provider: z.enum(OCI_PROVIDERS).optional(),
    /** Select one layer by media type; `copy` stores it as-is (a Helm chart .tgz), `extract` (default) unpacks it. */
    layerMediaType: z.string().optional(),
    layerOperation: z.enum(['extract', 'copy']).optional(),
    /** Secret with cosign.pub: the OCIRepository verifies signatures. */
    verifySecret: z.string().optional(),
    timeout: durationArg.optional(),
  })
  .strict();
export const gitArgs = z
  .object({ kind: z.literal('GitRepository'), ...meta, url: z.string(), branch: z.string().optional(), tag: z.string().optional(), commit: z.string().optional(), timeout: durationArg.optional() })
  .strict();
export const ksArgs = z
  .object({
    kind: z.literal('Kustomization'),
    ...meta,
    sourceKind: z.enum(['OCIRepository', 'GitRepository']),
    sourceName: name,
    path: z.string().optional(),
    targetNamespace: z.string().optional(),
    prune: z.boolean().optional(),
    wait: z.boolean().optional(),
  })
  .strict();
export const helmRepoArgs = z
  .object({ kind: z.literal('HelmRepository'), ...meta, url: z.string(), insecure: flag.optional(), provider: z.enum(OCI_PROVIDERS).optional(), timeout: durationArg.optional() })
  .strict();
export const helmChartArgs = z
  .object({
    kind: z.literal('HelmChart'),
    ...meta,
    chart: name,
    /** Exact version or semver range (default `*`). */
    version: z.string().optional(),
    /** The HelmRepository it comes from. */
    repository: name,
    /** Secret with cosign.pub: the chart's signature is verified before it is stored. */
    verifySecret: z.string().optional(),
  })
  .strict();
export const helmReleaseArgs = z
  .object({
    kind: z.literal('HelmRelease'),
    ...meta,
    /** chartRef: the OCIRepository holding the chart (layerSelector copy). */
    sourceName: name,
    targetNamespace: z.string().optional(),
    createNamespace: z.boolean().optional(),
    /** Install/upgrade without waiting for the release's resources (no kubelet on the rig). */
    disableWait: flag.optional(),
    /** The opposite of disableWait, for a scenario param (`wait: "${release-wait}"`): false sets disableWait. */
    wait: flag.optional(),
    retries: z.number().int().min(0).optional(),
    values: z.record(z.string(), z.unknown()).optional(),
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
