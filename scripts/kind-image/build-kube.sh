#!/usr/bin/env bash
# Kubernetes binaries for the node image, at the rig's version, from the k8s.io/kubernetes
# module: a throwaway module requiring it, every staging module (`k8s.io/x => ./staging/...`
# in its go.mod) replaced by the published v0.X.Y (as scripts/rig/build.sh does for
# kube-apiserver), then ONE `go build` for all the commands asked, so they share compiled
# packages (and the rig's build cache: same -trimpath, CGO_ENABLED=0). The version is stamped
# with -X like upstream's hack/lib/version.sh, so kubeadm's skew checks see v1.36.Y.
#
# Cache: $KIND_CACHE/kube-<version>/<cmd>; commands already there are not rebuilt.
# Usage: build-kube.sh [cmd...]   (default: kubelet kubeadm kubectl)
set -euo pipefail
. "$(dirname "$0")/versions.sh"
cmds=("$@"); [ "${#cmds[@]}" -gt 0 ] || cmds=(kubelet kubeadm kubectl)
out="$KIND_CACHE/kube-$KIND_KUBE_VERSION"
mkdir -p "$out"
todo=(); for c in "${cmds[@]}"; do [ -x "$out/$c" ] || todo+=("$c"); done
if [ "${#todo[@]}" -eq 0 ]; then echo "[kind-image] cached: ${cmds[*]} in $out"; exit 0; fi

export GOFLAGS="-mod=mod -p=${OCILAB_KIND_BUILD_P:-2} -buildvcs=false"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0
scratch=$(mktemp -d); work=$(mktemp -d); trap 'rm -rf "$scratch" "$work"' EXIT
src=$(mod_dir "k8s.io/kubernetes@$KIND_KUBE_VERSION")
staging="v0.${KIND_KUBE_VERSION#v1.}"
(
  cd "$work"
  go mod init ocilab.local/kind-kube >/dev/null 2>&1
  go mod edit -go="$(go mod edit -json "$src/go.mod" | sed -n 's/^[[:space:]]*"Go": "\(.*\)",\{0,1\}$/\1/p')"
  go mod edit -require="k8s.io/kubernetes@$KIND_KUBE_VERSION"
  sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9.-]*\) => \./staging/.*#\1#p' "$src/go.mod" | sort -u |
    while read -r m; do go mod edit -replace="$m=$m@$staging"; done
  { echo 'package main'; for c in "${todo[@]}"; do echo "import _ \"k8s.io/kubernetes/cmd/$c\""; done; } > tools.go
  go mod tidy >/dev/null
  rm tools.go
)
v="$KIND_KUBE_VERSION"; major="${v#v}"; major="${major%%.*}"; minor="${v#v*.}"; minor="${minor%%.*}"
ld="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ld+=" -X $p.gitVersion=$v -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
done
pkgs=(); for c in "${todo[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
echo "[kind-image] go build ${todo[*]} (one invocation) -> $out"
TIMEFORMAT="[kind-image] go build ${todo[*]}: wall %0Rs cpu-user %0Us cpu-sys %0Ss"
time (cd "$work" && nice -n 19 go build -trimpath -ldflags="$ld" -o "$out/" "${pkgs[@]}")
echo "$(date -u +%FT%TZ) ${todo[*]} load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$KIND_CACHE/build-times.log"
for c in "${todo[@]}"; do ls -l "$out/$c"; done
