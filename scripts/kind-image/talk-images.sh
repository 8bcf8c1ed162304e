#!/usr/bin/env bash
# The images the talk needs on top of the node's own, built offline and packed like
# images.sh's (no pulls): into podman's store under the refs ocilab's kind target asks for
# (src/kind/images.ts) and as docker archives in $KIND_CACHE/talk/<name>.tar. Cached per archive.
#   registry              distribution v3 (github.com/distribution/distribution/v3/cmd/registry;
#                         install-oci.sh's static peer binary when it is that version),
#                         as registry:3 with the upstream image's config-dev.yml, CMD and volume
#   source-controller, kustomize-controller, helm-controller
#                         the rig's binaries (scripts/rig/build.sh) at the rig's versions, as
#                         ghcr.io/fluxcd/<name>:<version>; user 65534, CA bundle from this machine
#   demo-app              ocilab's podinfo stand-in (demo-app/main.go), under the podinfo ref the
#                         demo manifests name; it is not podinfo (see docs/kind.md)
# Also writes $KIND_CACHE/flux-install.yaml (flux-install.sh).
# Usage: talk-images.sh [name...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"
out="$KIND_CACHE/talk"; mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$here/pack.sh"
REGISTRY_VERSION=v3.0.0
DEMO_APP_REF=ghcr.io/stefanprodan/podinfo:6.7.1

build_go() { # <out binary> <module dir> <package> <label>
  local bin="$1" dir="$2" pkg="$3"
  TIMEFORMAT="[kind-image] go build $4: wall %0Rs cpu-user %0Us cpu-sys %0Ss"
  time (cd "$dir" && CGO_ENABLED=0 GOFLAGS="-mod=mod -p=2 -buildvcs=false" nice -n 19 go build -trimpath -ldflags='-s -w' -o "$bin" "$pkg")
}

image_registry() {
  local bin="$KIND_CACHE/registry-$REGISTRY_VERSION" src d="$work/registry"
  local peer; peer="$(go env GOPATH)/bin/registry"
  # scripts/ci/install-oci.sh's peer binary when it is this version and static: no second build.
  if [ ! -x "$bin" ] && [ -x "$peer" ] && go version -m "$peer" 2>/dev/null | grep -q "^[[:space:]]*mod[[:space:]]*github.com/distribution/distribution/v3[[:space:]]*$REGISTRY_VERSION" &&
     go version -m "$peer" | grep -q 'CGO_ENABLED=0'; then
    echo "[kind-image] registry $REGISTRY_VERSION: the peer binary $peer (static)"
    install -m 0755 "$peer" "$bin"
  fi
  if [ ! -x "$bin" ]; then
    mkdir -p "$work/registry-mod"
    (cd "$work/registry-mod" && go mod init ocilab.local/kind-registry >/dev/null 2>&1 &&
      GOFLAGS=-mod=mod go get "github.com/distribution/distribution/v3/cmd/registry@$REGISTRY_VERSION" >/dev/null 2>&1)
    build_go "$bin" "$work/registry-mod" github.com/distribution/distribution/v3/cmd/registry "registry $REGISTRY_VERSION"
  fi
  src=$(mod_dir "github.com/distribution/distribution/v3@$REGISTRY_VERSION")
  mkdir -p "$d/bin" "$d/etc/distribution" "$d/var/lib/registry" "$d/etc/ssl/certs"
  install -m 0755 "$bin" "$d/bin/registry"
  install -m 0644 "$src/cmd/registry/config-dev.yml" "$d/etc/distribution/config.yml"
  install -m 0644 /etc/ssl/certs/ca-certificates.crt "$d/etc/ssl/certs/"
  pack registry docker.io/library/registry:3 "$d" '["/bin/registry"]' \
    'CMD ["serve", "/etc/distribution/config.yml"]' 'VOLUME ["/var/lib/registry"]' 'EXPOSE 5000'
}

image_flux() { # <controller> <version>
  local name="$1" v="$2" bin="$RIG_CACHE/bin/$1-$2" d="$work/$1"
  [ -x "$bin" ] || { echo "[kind-image] no $bin: run scripts/rig/build.sh first" >&2; exit 1; }
  mkdir -p "$d/usr/local/bin" "$d/etc/ssl/certs"
  install -m 0755 "$bin" "$d/usr/local/bin/$name"
  install -m 0644 /etc/ssl/certs/ca-certificates.crt "$d/etc/ssl/certs/"
  pack "$name" "ghcr.io/fluxcd/$name:$v" "$d" "[\"/usr/local/bin/$name\"]" 'USER 65534:65534'
}

image_demo_app() {
  local bin="$KIND_CACHE/demo-app" d="$work/demo-app"
  if [ ! -x "$bin" ] || [ "$here/demo-app/main.go" -nt "$bin" ]; then
    build_go "$bin" "$here/demo-app" . demo-app
  fi
  mkdir -p "$d/home/app"
  install -m 0755 "$bin" "$d/home/app/podinfo"
  pack demo-app "$DEMO_APP_REF" "$d" '["./podinfo"]' 'WORKDIR /home/app' 'USER 65534:65534' \
    'LABEL org.opencontainers.image.title=ocilab-demo-app' 'LABEL org.opencontainers.image.description=ocilab podinfo stand-in for offline kind runs, not podinfo'
}

names=("$@"); [ "${#names[@]}" -gt 0 ] || names=(registry source-controller kustomize-controller helm-controller demo-app)
for n in "${names[@]}"; do
  if [ -f "$out/$n.tar" ]; then
    # podman's store may have lost it (a fresh machine with a restored cache): load the archive.
    podman load -q -i "$out/$n.tar" >/dev/null
    echo "[kind-image] cached: $out/$n.tar (loaded into podman)"; continue
  fi
  case "$n" in
    registry) image_registry ;;
    source-controller) image_flux source-controller "$SOURCE_CONTROLLER_VERSION" ;;
    kustomize-controller) image_flux kustomize-controller "$KUSTOMIZE_CONTROLLER_VERSION" ;;
    helm-controller) image_flux helm-controller "$HELM_CONTROLLER_VERSION" ;;
    demo-app) image_demo_app ;;
    *) echo "unknown image $n" >&2; exit 2 ;;
  esac
done
