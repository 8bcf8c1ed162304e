#!/usr/bin/env bash
# Peer tool for the Helm-over-OCI interop tests (test/helm/*peer*.test.ts): the real helm CLI.
# Debian has no helm package, so it is built from its Go module at a pinned release
# (helm.sh/helm/v4 has no replace directives, so `go install module@version` works).
# Idempotent: skips the build when that version is already in GOBIN. Prints what it does.
# Build time on the shared 2-core machine: see docs/helm-oci.md.
set -euo pipefail

HELM_MODULE=helm.sh/helm/v4/cmd/helm
HELM_VERSION=v4.3.1
GOBIN_DIR="${GOBIN:-$(go env GOPATH)/bin}"

installed_version() {
  "$GOBIN_DIR/helm" version --template '{{.Version}}' 2>/dev/null || true
}

if [ -x "$GOBIN_DIR/helm" ] && [ "$(installed_version)" = "$HELM_VERSION" ]; then
  echo "install-helm: helm $HELM_VERSION already in $GOBIN_DIR"
else
  echo "install-helm: go install $HELM_MODULE@$HELM_VERSION (several minutes on 2 cores)"
  start=$(date +%s)
  # -ldflags sets the version `helm version` reports (helm's Makefile does the same).
  go install -trimpath \
    -ldflags "-X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" \
    "$HELM_MODULE@$HELM_VERSION"
  echo "install-helm: built helm $HELM_VERSION in $(( $(date +%s) - start ))s"
fi

# helm-controller's CRD (v1.6.4, the version Flux v2.9.5 pins) is cached with the other Flux
# CRDs by scripts/ci/install-kube.sh (.cache/flux-crds).
