/** The status a local source carries, shaped like source-controller's api/v1 status. */
import type { Condition } from '../flux/conditions.js';

/** fluxcd/pkg apis/meta Artifact. */
export interface Artifact {
  /** `<branch>@sha1:<commit>` (Git) or `<tag>@sha256:<manifest digest>` (OCI). */
  revision: string;
  /** sha256 of the stored .tar.gz: "sha256:<hex>". */
  digest: string;
  /** Relative storage path, e.g. gitrepository/flux-system/podinfo/<commit>.tar.gz. */
  path: string;
  /** Where the archive can be read: a file:// URL here (http://source-controller.../ in a cluster). */
  url: string;
  size: number;
  lastUpdateTime: string;
  /** OCI: the manifest annotations. */
  metadata?: Record<string, string>;
}

export interface SourceStatus {
  observedGeneration: number;
  conditions: Condition[];
  artifact?: Artifact;
  url?: string;
  observedIgnore?: string;
  observedSparseCheckout?: string[];
  observedLayerSelector?: { mediaType?: string; operation?: string };
  /** ocilab: whether the last pass skipped the fetch because the revision was unchanged. */
  lastFetch?: 'skipped-unchanged' | 'fetched' | 'failed';
}

export const emptyStatus = (): SourceStatus => ({ observedGeneration: -1, conditions: [] });

/** One event the reconciler emits, like the Kubernetes events source-controller records. */
export interface SourceEvent {
  at: number;
  kind: 'GitRepository' | 'OCIRepository';
  namespace: string;
  name: string;
  type: 'Normal' | 'Warning' | 'Trace';
  reason: string;
  message: string;
  revision?: string;
}
