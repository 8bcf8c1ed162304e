/**
 * Where ocilab's local reconciler differs from source-controller. This is the one list:
 * the UI shows it once (`LOCAL_RECONCILER_DIFFERENCES`), docs/git.md repeats it.
 *
 * 1. No Kubernetes: objects live in memory, applied from Flux YAML; generation counts spec
 *    changes; there is no CRD validation beyond the zod schema (same field rules).
 * 2. Git is fetched with the git CLI (ls-remote, clone --depth 1 --single-branch --no-tags);
 *    source-controller uses go-git in-process. Same requests and depth, different client.
 * 3. Archives are built by the Flux artifact builder (src/oci/artifact.ts): file modes are
 *    kept from the checkout; source-controller normalises them to 0600/0700/0750. Digests
 *    cannot match a cluster's byte for byte anyway (Go's gzip differs from zlib).
 * 4. Only the root `.sourceignore` is read; source-controller also reads nested ones.
 * 5. artifact.url is a file:// URL into local storage, not http://source-controller.<ns>.svc…
 * 6. Not implemented (object reports Stalled/UnsupportedByLocalReconciler or ignores it and
 *    says so): GitRepository ref.semver, ref.commit, include, recurseSubmodules, verify;
 *    OCIRepository secretRef, certSecretRef, proxySecretRef, provider (cloud workload identity).
 * 7. No exponential back-off: a failed object is retried at its interval.
 * 8. Timing: one loop per object on `spec.interval`, without controller-runtime's jitter
 *    and work queue; `reconcileNow` stands in for `flux reconcile source`.
 */
export const LOCAL_RECONCILER_DIFFERENCES: readonly string[] = [
  'No cluster: Flux objects are held in memory by ocilab, not stored in Kubernetes.',
  'Git is fetched with the git CLI (same shallow clone and ref listing); source-controller uses go-git in-process.',
  'Archives keep file modes from the checkout (source-controller normalises them); digests never match a cluster byte for byte.',
  'Only the root .sourceignore is read (source-controller also reads nested ones).',
  'artifact.url is a file:// path in local storage, not the source-controller HTTP service.',
  'Not implemented: Git semver and commit refs, include, submodules, Git signature verification, credentials (secretRef), cloud workload identity (provider: aws|azure|gcp).',
  'Failures retry at the object interval, without back-off or jitter.',
];
