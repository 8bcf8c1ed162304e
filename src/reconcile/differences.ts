/**
 * Where ocilab's local reconciler differs from source-controller. This is the one list:
 * the UI shows it once (`LOCAL_RECONCILER_DIFFERENCES`), docs/git.md repeats it.
 *
 * 1. No Kubernetes: objects live in memory, applied from Flux YAML; generation counts spec
 *    changes; there is no CRD validation beyond the zod schema (same field rules).
 * 2. Git is fetched with the git CLI (ls-remote, clone --depth 1 --single-branch --no-tags,
 *    `-c protocol.version=2`): smart HTTP protocol v2, `ls-refs` then `fetch`.
 *    source-controller uses go-git in-process (v5.19.1 in source-controller v1.9.5's go.mod),
 *    which (v5.19.1, the version source-controller v1.9.5 pins) speaks protocol v0/v1 only: one full ref advertisement (GET info/refs), then
 *    upload-pack. Same depth, different requests.
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
 * 9. Registry scheme: the local reconciler picks one scheme up front (src/reconcile/oci-tls.ts):
 *    HTTPS with `insecure: false` or a certSecretRef, plain HTTP with `insecure: true`, else
 *    ocilab's default (plain HTTP for loopback/private hosts). source-controller leaves it to
 *    go-containerregistry: Ping tries HTTPS first (pkg/v1/remote/transport/ping.go) and falls
 *    back to plain HTTP when name.Registry.Scheme() says "http" (pkg/name/registry.go):
 *    `insecure: true`, or a host that is `localhost:<port>`, `*.localhost`, contains
 *    `127.0.0.1` or `::1`, or is an IPv4 address in 10/8, 172.16/12, 192.168/16, even with
 *    `insecure: false`.
 */
export const LOCAL_RECONCILER_DIFFERENCES: readonly string[] = [
  'No cluster: Flux objects are held in memory by ocilab, not stored in Kubernetes.',
  'Git is fetched with the git CLI over protocol v2 (ls-refs, then fetch; same shallow clone); source-controller uses go-git v5 in-process (v5.19.1 in source-controller v1.9.5), which speaks protocol v0/v1 only (a full ref advertisement, then upload-pack).',
  'Archives keep file modes from the checkout (source-controller normalises them); digests never match a cluster byte for byte.',
  'Only the root .sourceignore is read (source-controller also reads nested ones).',
  'artifact.url is a file:// path in local storage, not the source-controller HTTP service.',
  'Not implemented: Git semver and commit refs, include, submodules, Git signature verification, credentials (secretRef), cloud workload identity (provider: aws|azure|gcp).',
  'Failures retry at the object interval, without back-off or jitter.',
  'Registry scheme: with insecure: false the local reconciler always uses HTTPS; source-controller (go-containerregistry) tries HTTPS first and falls back to plain HTTP for localhost:<port>, *.localhost, 127.0.0.1, ::1 and 10/8, 172.16/12, 192.168/16 hosts even with insecure: false, and for any host with insecure: true.',
];
