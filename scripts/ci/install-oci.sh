#!/usr/bin/env bash
# Peer tools for the OCI client tests (test/oci): the CNCF distribution registry 2.8 (Debian
# package docker-registry), registry v3 built from its Go module, and crane (go-containerregistry,
# the library the flux CLI and source-controller use). Idempotent: skips what is already there
# at the pinned version.
set -euo pipefail

DISTRIBUTION_V3=v3.0.0
GGCR=v0.21.9
GOBIN_DIR="${GOBIN:-$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin}"
export PATH="$GOBIN_DIR:$PATH"

log() { echo "[install-oci] $*"; }

if command -v docker-registry >/dev/null 2>&1; then
  log "docker-registry present: $(dpkg-query -W -f='${Version}' docker-registry 2>/dev/null || echo unknown)"
else
  log "apt-get install docker-registry (distribution 2.8)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker-registry >/dev/null
  # The package starts a system service on :5000 on some setups; tests use their own instances.
  (systemctl stop docker-registry 2>/dev/null || service docker-registry stop 2>/dev/null || true) >/dev/null 2>&1
fi

# openssl makes the token-issuer certificate of the token-auth test (test/oci/token-server.ts).
if command -v openssl >/dev/null 2>&1; then
  log "openssl present: $(openssl version)"
else
  log "apt-get install openssl"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssl >/dev/null
fi

go_tool() { # name module version
  local name=$1 module=$2 version=$3 have=""
  if [ -x "$GOBIN_DIR/$name" ]; then
    have=$(go version -m "$GOBIN_DIR/$name" 2>/dev/null | awk '$1=="mod"{print $3; exit}')
  fi
  if [ "$have" = "$version" ]; then
    log "$name $version present"
  else
    log "go install $module@$version (have: ${have:-none})"
    GOFLAGS=-trimpath go install "$module@$version"
  fi
}

go_tool registry github.com/distribution/distribution/v3/cmd/registry "$DISTRIBUTION_V3"
go_tool crane github.com/google/go-containerregistry/cmd/crane "$GGCR"
log "done: $(command -v docker-registry) $GOBIN_DIR/registry $GOBIN_DIR/crane"
