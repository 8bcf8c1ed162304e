#!/usr/bin/env bash
# Peer tools for the cosign interop tests (test/cosign/*.peer.test.ts):
#   - the real cosign CLI, built from its Go module at a pinned release
#   - the CNCF distribution registry (Debian `docker-registry`) as a plain-HTTP registry peer
# Idempotent: skips what is already installed at the pinned version.
# Build time measured on a 2-core machine: see docs/cosign.md ("Installing the peer").
set -euo pipefail

COSIGN_MODULE=github.com/sigstore/cosign/v3/cmd/cosign
COSIGN_VERSION=v3.1.3
GOBIN_DIR="${GOBIN:-$(go env GOPATH)/bin}"

installed_version() {
  "$GOBIN_DIR/cosign" version --json 2>/dev/null | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p' || true
}

if [ -x "$GOBIN_DIR/cosign" ] && [ "$(installed_version)" = "$COSIGN_VERSION" ]; then
  echo "install-cosign: cosign $COSIGN_VERSION already in $GOBIN_DIR"
else
  echo "install-cosign: go install $COSIGN_MODULE@$COSIGN_VERSION (a few minutes on 2 cores)"
  start=$(date +%s)
  # -ldflags sets the version string `cosign version` reports (the release Makefile does the same).
  go install -trimpath \
    -ldflags "-X sigs.k8s.io/release-utils/version.gitVersion=$COSIGN_VERSION" \
    "$COSIGN_MODULE@$COSIGN_VERSION"
  echo "install-cosign: built cosign $COSIGN_VERSION in $(( $(date +%s) - start ))s"
fi

if command -v docker-registry >/dev/null 2>&1 || [ -x /usr/bin/docker-registry ]; then
  echo "install-cosign: docker-registry already installed"
else
  echo "install-cosign: apt-get install docker-registry (CNCF distribution v2.8, plain-HTTP peer)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry >/dev/null
  # The package starts a system service on Debian; the tests start their own on a free port.
  (systemctl stop docker-registry 2>/dev/null || service docker-registry stop 2>/dev/null || true)
fi
