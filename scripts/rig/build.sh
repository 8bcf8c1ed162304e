#!/usr/bin/env bash
# Builds (once, cached) the binaries of the rig: a real kube-apiserver and the Flux
# source-controller, kustomize-controller and helm-controller, from their Go modules; etcd comes from Debian
# (etcd-server) when it is installed, else it is built from go.etcd.io/etcd/server/v3.
#
# Cache: ${OCILAB_RIG_CACHE:-~/.cache/ocilab-rig}/bin/<name>-<version>; a binary already there
# is not rebuilt. Builds run `nice -n 10` with GOFLAGS=-p=${OCILAB_RIG_BUILD_P:-2}
# (the machine's 2 cores are shared). Each build prints its wall time.
#
# Usage: scripts/rig/build.sh [check|all|kube-apiserver|source-controller|kustomize-controller|helm-controller|etcd]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"

bin_dir="$RIG_CACHE/bin"
mkdir -p "$bin_dir"
export GOFLAGS="-mod=mod -p=${OCILAB_RIG_BUILD_P:-2} -buildvcs=false"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0

log() { echo "[rig build] $*" >&2; }

# Path of the module's source in the module cache (downloads it when needed).
mod_dir() {
  local scratch; scratch=$(mktemp -d)
  (cd "$scratch" && go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  rm -rf "$scratch"
}

timed_build() { # name out dir pkg
  local name="$1" out="$2" dir="$3" pkg="$4" times
  log "building $name -> $out (in $dir)"
  # wall and CPU (user+sys of go and the compilers): CPU does not depend on the machine's load.
  times=$( { TIMEFORMAT='wall %0Rs cpu-user %0Us cpu-sys %0Ss'; time (cd "$dir" &&
    nice -n 10 go build -trimpath -ldflags='-s -w' -o "$out.tmp" "$pkg" 2>&3); } 3>&2 2>&1 >/dev/null | tail -n 1) || true
  [ -x "$out.tmp" ] || { log "building $name failed ($times)"; exit 1; }
  mv "$out.tmp" "$out"
  log "built $name: $times (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "$(date -u +%FT%TZ) $name $times load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RIG_CACHE/build-times.log"
}

# A Flux controller: its own go.mod (with its replaces and go.sum) in a scratch copy of the
# module, minus the `./api` replace (the api submodule is not in the module zip; the
# require line names the same version).
build_flux_controller() { # name version replaces
  local name="$1" version="$2" replaces="$3" out="$bin_dir/$1-$2" r
  if [ -x "$out" ]; then log "$name $version cached ($out)"; return; fi
  local src work
  src=$(mod_dir "github.com/fluxcd/$name@$version")
  [ -n "$src" ] || { log "go mod download github.com/fluxcd/$name@$version gave no dir"; exit 1; }
  work=$(mktemp -d)
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  (cd "$work" && go mod edit -dropreplace="github.com/fluxcd/$name/api")
  for r in $replaces; do log "$name: replace $r (not served by the module proxy)"; (cd "$work" && go mod edit -replace="$r"); done
  timed_build "$name" "$out" "$work" .
  rm -rf "$work"
}

# kube-apiserver: a throwaway module requiring k8s.io/kubernetes with every staging module
# (`k8s.io/x => ./staging/src/k8s.io/x` in its go.mod) replaced by the published v0.X.Y.
build_kube_apiserver() {
  local out="$bin_dir/kube-apiserver-$KUBE_VERSION"
  if [ -x "$out" ]; then log "kube-apiserver $KUBE_VERSION cached ($out)"; return; fi
  local src work staging
  src=$(mod_dir "k8s.io/kubernetes@$KUBE_VERSION")
  [ -n "$src" ] || { log "go mod download k8s.io/kubernetes@$KUBE_VERSION gave no dir"; exit 1; }
  staging="v0.${KUBE_VERSION#v1.}"
  work=$(mktemp -d)
  (
    cd "$work"
    go mod init ocilab.local/rig-kube-apiserver >/dev/null 2>&1
    go mod edit -go="$(go mod edit -json "$src/go.mod" | sed -n 's/^[[:space:]]*"Go": "\(.*\)",\{0,1\}$/\1/p')"
    go mod edit -require="k8s.io/kubernetes@$KUBE_VERSION"
    sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9.-]*\) => \./staging/.*#\1#p' "$src/go.mod" | sort -u |
      while read -r m; do go mod edit -replace="$m=$m@$staging"; done
    printf 'package main\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n' > tools.go
    go mod tidy >/dev/null
    rm tools.go
  )
  timed_build kube-apiserver "$out" "$work" k8s.io/kubernetes/cmd/kube-apiserver
  rm -rf "$work"
}

build_etcd() {
  if command -v etcd >/dev/null && [ -z "${OCILAB_RIG_BUILD_ETCD:-}" ]; then
    log "etcd from the system: $(etcd --version 2>/dev/null | head -1)"; return
  fi
  local out="$bin_dir/etcd-$ETCD_VERSION"
  if [ -x "$out" ]; then log "etcd $ETCD_VERSION cached ($out)"; return; fi
  local work; work=$(mktemp -d)
  (cd "$work" && go mod init ocilab.local/rig-etcd >/dev/null 2>&1 &&
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >/dev/null)
  timed_build etcd "$out" "$work" go.etcd.io/etcd/server/v3
  rm -rf "$work"
}

# `check`: exit 0 when every binary is there (nothing is built), else list what is missing.
check() {
  local missing=() b
  for b in "kube-apiserver-$KUBE_VERSION" "source-controller-$SOURCE_CONTROLLER_VERSION" "kustomize-controller-$KUSTOMIZE_CONTROLLER_VERSION" "helm-controller-$HELM_CONTROLLER_VERSION"; do
    [ -x "$bin_dir/$b" ] || missing+=("$bin_dir/$b")
  done
  if ! command -v etcd >/dev/null || [ -n "${OCILAB_RIG_BUILD_ETCD:-}" ]; then
    [ -x "$bin_dir/etcd-$ETCD_VERSION" ] || missing+=("etcd (apt-get install etcd-server, or $bin_dir/etcd-$ETCD_VERSION)")
  fi
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  if [ "${#missing[@]}" -gt 0 ]; then echo "missing: ${missing[*]}"; return 1; fi
  echo "all rig binaries are built"
}

what="${1:-all}"
case "$what" in
  check) check ;;
  all) build_etcd; build_flux_controller source-controller "$SOURCE_CONTROLLER_VERSION" "$SOURCE_CONTROLLER_REPLACES"
       build_flux_controller kustomize-controller "$KUSTOMIZE_CONTROLLER_VERSION" "$KUSTOMIZE_CONTROLLER_REPLACES"
       build_flux_controller helm-controller "$HELM_CONTROLLER_VERSION" "$HELM_CONTROLLER_REPLACES"
       build_kube_apiserver ;;
  kube-apiserver) build_kube_apiserver ;;
  source-controller) build_flux_controller source-controller "$SOURCE_CONTROLLER_VERSION" "$SOURCE_CONTROLLER_REPLACES" ;;
  kustomize-controller) build_flux_controller kustomize-controller "$KUSTOMIZE_CONTROLLER_VERSION" "$KUSTOMIZE_CONTROLLER_REPLACES" ;;
  helm-controller) build_flux_controller helm-controller "$HELM_CONTROLLER_VERSION" "$HELM_CONTROLLER_REPLACES" ;;
  etcd) build_etcd ;;
  *) echo "usage: $0 [check|all|kube-apiserver|source-controller|kustomize-controller|helm-controller|etcd]" >&2; exit 2 ;;
esac
