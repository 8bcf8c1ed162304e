#!/usr/bin/env bash
# Peer material for the kube/kind/flux tests (run by .ci/run as root with CI=true; also fine
# on a laptop). Idempotent: skips what is already there at the pinned version.
#  - Flux CRDs from the controllers' Go modules (Flux v2.9.5 = source-controller v1.9.5,
#    kustomize-controller v1.9.5 and helm-controller v1.6.4, per flux2 v2.9.5
#    manifests/bases/*/kustomization.yaml and go.mod), copied to .cache/flux-crds/ for the
#    schema tests in test/flux and test/helm.
#  - the real kind CLI (sigs.k8s.io/kind), whose error output the kind wrapper is tested against
#    (there is no container engine here, so only its "engine not running" paths can run).
#  - kustomize (sigs.k8s.io/kustomize), which builds cluster/demo-app in the tests.
#  - the docker CLI, client only (see below).
set -euo pipefail
cd "$(dirname "$0")/../.."

FLUX_VERSION=v2.9.5
SOURCE_CONTROLLER=v1.9.5
KUSTOMIZE_CONTROLLER=v1.9.5
HELM_CONTROLLER=v1.6.4
KIND_VERSION=v0.32.0
# kustomize v5.8.1 = kustomize api v0.21.1, the API kustomize-controller v1.9.5 builds with.
KUSTOMIZE_VERSION=v5.8.1

dest=.cache/flux-crds
stamp="$dest/VERSIONS"
want="flux=$FLUX_VERSION source-controller=$SOURCE_CONTROLLER kustomize-controller=$KUSTOMIZE_CONTROLLER helm-controller=$HELM_CONTROLLER"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "flux CRDs already cached ($want)"
else
  echo "fetching Flux CRDs: $want"
  mkdir -p "$dest"
  # Outside any module, so the download does not touch a go.mod.
  scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
  moddir() { (cd "$scratch" && go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'); }
  sc=$(moddir "github.com/fluxcd/source-controller@$SOURCE_CONTROLLER")
  kc=$(moddir "github.com/fluxcd/kustomize-controller@$KUSTOMIZE_CONTROLLER")
  hc=$(moddir "github.com/fluxcd/helm-controller@$HELM_CONTROLLER")
  [ -n "$sc" ] && [ -n "$kc" ] && [ -n "$hc" ] || { echo "go mod download gave no module dir" >&2; exit 1; }
  install -m 0644 "$sc/config/crd/bases/source.toolkit.fluxcd.io_ocirepositories.yaml" \
    "$sc/config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml" \
    "$sc/config/crd/bases/source.toolkit.fluxcd.io_helmrepositories.yaml" \
    "$sc/config/crd/bases/source.toolkit.fluxcd.io_helmcharts.yaml" \
    "$kc/config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml" \
    "$hc/config/crd/bases/helm.toolkit.fluxcd.io_helmreleases.yaml" "$dest/"
  echo "$want" > "$stamp"
  ls -l "$dest"
fi

GOBIN_DIR="$(go env GOPATH)/bin"
if [ -x "$GOBIN_DIR/kind" ] && "$GOBIN_DIR/kind" version 2>/dev/null | grep -q "kind $KIND_VERSION "; then
  echo "kind $KIND_VERSION already installed"
else
  echo "installing kind $KIND_VERSION (go install sigs.k8s.io/kind@$KIND_VERSION)"
  go install "sigs.k8s.io/kind@$KIND_VERSION"
  "$GOBIN_DIR/kind" version
fi

if [ -x "$GOBIN_DIR/kustomize" ] && "$GOBIN_DIR/kustomize" version 2>/dev/null | grep -q "$KUSTOMIZE_VERSION"; then
  echo "kustomize $KUSTOMIZE_VERSION already installed"
else
  echo "installing kustomize $KUSTOMIZE_VERSION (go install sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION)"
  go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
  "$GOBIN_DIR/kustomize" version
fi

# The real docker CLI (client only), for the engine-probe tests: they point DOCKER_HOST at a
# socket that does not exist, so no daemon is needed or started. The binary is extracted from
# Debian's docker.io package without installing it (no dockerd, no service, no postinst).
if command -v docker >/dev/null 2>&1; then
  echo "docker CLI already present: $(docker --version)"
else
  echo "installing the docker CLI from Debian's docker.io package (client binary only)"
  work=$(mktemp -d)
  (cd "$work" && apt-get download docker.io >/dev/null && dpkg-deb -x docker.io_*.deb root)
  install -m 0755 "$work/root/usr/bin/docker" /usr/local/bin/docker
  rm -rf "$work"
  docker --version
fi
