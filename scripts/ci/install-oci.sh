#!/usr/bin/env bash
# Peer tools for the OCI client tests (test/oci): the CNCF distribution registry 2.8 (Debian
# package docker-registry), registry v3 built from its Go module, and crane (go-containerregistry,
# the library the flux CLI and source-controller use). Idempotent: skips what is already there
# at the pinned version.
set -euo pipefail

DISTRIBUTION_V3=v3.0.0
GGCR=v0.21.9
LOG_TAG=install-oci
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

apt_pkg docker-registry docker-registry   # distribution 2.8
stop_registry_service
# openssl makes the token-issuer certificate of the token-auth test (test/oci/token-server.ts).
apt_pkg openssl openssl

# Static (CGO_ENABLED=0): scripts/kind-image/talk-images.sh packs this same binary as the kind
# cluster's registry:3 image instead of compiling distribution v3 a second time.
CGO_ENABLED=0 go_tool registry github.com/distribution/distribution/v3/cmd/registry "$DISTRIBUTION_V3"
go_tool crane github.com/google/go-containerregistry/cmd/crane "$GGCR"
log "done: $(command -v docker-registry) $GOBIN_DIR/registry $GOBIN_DIR/crane"
