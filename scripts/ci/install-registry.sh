#!/usr/bin/env bash
# Peer tools for the embedded registry tests (test/registry):
#   - skopeo (Debian package) and the CNCF distribution registry 2.8 (Debian `docker-registry`,
#     used by the benchmark as the reference server),
#   - crane (go-containerregistry, the library Flux uses) and oras, pinned Go modules,
#   - the OCI distribution-spec conformance suite, built from its Go module.
# Idempotent: skips what is already installed at the pinned version.
#
# About the conformance pin: the conformance suite is a sub-module
# (github.com/opencontainers/distribution-spec/conformance) but the repository tags its
# releases (v1.1.0, v1.1.1) on the root, which is not a Go module, so the Go module proxy
# has no semantic version for the sub-module (`go list -m -versions` is empty, `@v1.1.1`
# falls through to git and fails without internet). The proxy does serve commits as
# pseudo-versions, so we pin one: main of 2026-08-31, the suite that tests spec 1.1
# (OCI_VERSION=1.1) with a YAML/env config and writes results.yaml + junit.xml.
# By hand, the exact commands are:
#   go install github.com/opencontainers/distribution-spec/conformance@v0.0.0-20260831232431-97274622c111
#   ~/go/bin/conformance   # with OCI_REGISTRY=127.0.0.1:PORT OCI_TLS=disabled ... (see test/registry/conformance.test.ts)
set -euo pipefail

GGCR=v0.21.9          # crane; same pin as scripts/ci/install-oci.sh (Flux 2.9 uses ggcr 0.21.x)
ORAS=v1.3.6
CONFORMANCE=v0.0.0-20260831232431-97274622c111
LOG_TAG=install-registry
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

apt_pkg skopeo skopeo
apt_pkg docker-registry docker-registry
stop_registry_service

go_tool crane github.com/google/go-containerregistry/cmd/crane "$GGCR"
go_tool oras oras.land/oras/cmd/oras "$ORAS"
go_tool conformance github.com/opencontainers/distribution-spec/conformance "$CONFORMANCE"
log "done: $(command -v skopeo) $(command -v docker-registry) $GOBIN_DIR/crane $GOBIN_DIR/oras $GOBIN_DIR/conformance"
