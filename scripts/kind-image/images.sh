#!/usr/bin/env bash
# Container images the node pre-loads, each packed without a registry: a root filesystem
# tarball made here -> `podman import --change ENTRYPOINT` under the exact name kubeadm or
# kind asks for -> `podman save --format docker-archive` into $KIND_CACHE/images/<name>.tar
# (the node's ocilab-preload.service imports them with ctr). Cached per archive.
#   pause          build/pause/linux/pause.c from the k8s.io/kubernetes module, gcc -static
#   kube-apiserver the rig's binary (scripts/rig/build.sh), same version
#   etcd           go.etcd.io/etcd/server/v3 at the version kubeadm lists
#   kube-controller-manager, kube-scheduler: build-kube.sh
#   kube-proxy     build-kube.sh + Debian's iptables (legacy) userspace and libraries
#   coredns        github.com/coredns/coredns at the version kubeadm lists
# Usage: images.sh [name...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"
out="$KIND_CACHE/images"; mkdir -p "$out"
bins="$KIND_CACHE/kube-$KIND_KUBE_VERSION"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

. "$here/pack.sh"

image_pause() {
  local src tag
  src=$(cd "$work" && go mod download -json "k8s.io/kubernetes@$KIND_KUBE_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  tag=$(sed -n 's/^TAG ?= //p' "$src/build/pause/Makefile")
  mkdir -p "$work/pause"
  nice -n 19 gcc -Os -Wall -Werror -static -DVERSION="v$tag-ocilab" -o "$work/pause/pause" "$src/build/pause/linux/pause.c"
  strip "$work/pause/pause"
  pack pause "registry.k8s.io/pause:$tag" "$work/pause" '["/pause"]'
}

image_kube() { # cmd binary
  local cmd="$1" bin="$2"
  [ -x "$bin" ] || { echo "[kind-image] skip $cmd: no $bin" >&2; return 0; }
  mkdir -p "$work/$cmd/usr/local/bin"
  install -m 0755 "$bin" "$work/$cmd/usr/local/bin/$cmd"
  pack "$cmd" "registry.k8s.io/$cmd:$KIND_KUBE_VERSION" "$work/$cmd" "[\"/usr/local/bin/$cmd\"]"
}

# etcd at the version kubeadm names (`kubeadm config images list`): kubeadm v1.36 passes
# --feature-gates=InitialCorruptCheck=true, which Debian's etcd 3.4 refuses
# ("flag provided but not defined: -feature-gates"). Built from go.etcd.io/etcd/server/v3.
image_etcd() {
  local ref v bin="$KIND_CACHE/etcd-v$KIND_ETCD_VERSION"
  ref=$("$bins/kubeadm" config images list --kubernetes-version "$KIND_KUBE_VERSION" | grep '/etcd:')
  v=${ref##*:}; v=${v%-*}
  [ "$v" = "$KIND_ETCD_VERSION" ] || { echo "kubeadm wants etcd $v, versions.sh pins $KIND_ETCD_VERSION" >&2; exit 1; }
  if [ ! -x "$bin" ]; then
    mkdir -p "$work/etcd-mod"
    (cd "$work/etcd-mod" && go mod init ocilab.local/kind-etcd >/dev/null 2>&1 &&
      GOFLAGS=-mod=mod go get "go.etcd.io/etcd/server/v3@v$KIND_ETCD_VERSION" >/dev/null 2>&1)
    TIMEFORMAT="[kind-image] go build etcd v$KIND_ETCD_VERSION: wall %0Rs cpu-user %0Us cpu-sys %0Ss"
    time (cd "$work/etcd-mod" && CGO_ENABLED=0 GOFLAGS="-mod=mod -p=2 -buildvcs=false" nice -n 19 go build -trimpath -ldflags='-s -w' -o "$bin" go.etcd.io/etcd/server/v3)
  fi
  mkdir -p "$work/etcd/usr/local/bin"
  install -m 0755 "$bin" "$work/etcd/usr/local/bin/etcd"
  pack etcd "$ref" "$work/etcd" '["/usr/local/bin/etcd"]'
}

# CoreDNS at the version kubeadm lists; kubeadm runs it with only `-conf /etc/coredns/Corefile`.
image_coredns() {
  local ref v bin
  ref=$("$bins/kubeadm" config images list --kubernetes-version "$KIND_KUBE_VERSION" | grep '/coredns:')
  v=${ref##*:}; bin="$KIND_CACHE/coredns-$v"
  if [ ! -x "$bin" ]; then
    mkdir -p "$work/coredns-mod"
    (cd "$work/coredns-mod" && go mod init ocilab.local/kind-coredns >/dev/null 2>&1 &&
      GOFLAGS=-mod=mod go get "github.com/coredns/coredns@$v" >/dev/null 2>&1)
    TIMEFORMAT="[kind-image] go build coredns $v: wall %0Rs cpu-user %0Us cpu-sys %0Ss"
    time (cd "$work/coredns-mod" && CGO_ENABLED=0 GOFLAGS="-mod=mod -p=2 -buildvcs=false" nice -n 19 go build -trimpath -ldflags='-s -w' -o "$bin" github.com/coredns/coredns)
  fi
  mkdir -p "$work/coredns"
  install -m 0755 "$bin" "$work/coredns/coredns"
  pack coredns "$ref" "$work/coredns" '["/coredns"]'
}

# kube-proxy with the iptables userspace it execs (legacy backend, as the node entrypoint
# picks on a fresh network namespace), copied from this machine's Debian iptables package.
image_kube_proxy() {
  local d="$work/kube-proxy" t l
  [ -x "$bins/kube-proxy" ] || { echo "[kind-image] skip kube-proxy: no $bins/kube-proxy" >&2; return 0; }
  mkdir -p "$d/usr/local/bin" "$d/usr/sbin"
  install -m 0755 "$bins/kube-proxy" "$d/usr/local/bin/kube-proxy"
  with_libs /usr/sbin/xtables-legacy-multi "$d"
  mv "$d/usr/local/bin/xtables-legacy-multi" "$d/usr/sbin/"
  for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    ln -s xtables-legacy-multi "$d/usr/sbin/$t"
  done
  for l in /usr/lib/x86_64-linux-gnu/xtables/*.so; do install -D -m 0644 "$l" "$d$l"; done
  for l in $(ldd /usr/lib/x86_64-linux-gnu/xtables/*.so | awk '/=> \//{print $3} /^\t\/lib64/{print $1}' | sort -u); do install -D -m 0755 "$l" "$d$l"; done
  with_libs "$(command -v conntrack 2>/dev/null || echo /usr/sbin/conntrack)" "$d" 2>/dev/null || true
  pack kube-proxy "registry.k8s.io/kube-proxy:$KIND_KUBE_VERSION" "$d" '["/usr/local/bin/kube-proxy"]'
}

names=("$@"); [ "${#names[@]}" -gt 0 ] || names=(pause etcd kube-apiserver kube-controller-manager kube-scheduler kube-proxy coredns)
for n in "${names[@]}"; do
  if [ -f "$out/$n.tar" ]; then echo "[kind-image] cached: $out/$n.tar"; continue; fi
  case "$n" in
    pause) image_pause ;;
    etcd) image_etcd ;;
    kube-apiserver) image_kube kube-apiserver "$RIG_CACHE/bin/kube-apiserver-$KIND_KUBE_VERSION" ;;
    kube-controller-manager|kube-scheduler) image_kube "$n" "$bins/$n" ;;
    kube-proxy) image_kube_proxy ;;
    coredns) image_coredns ;;
    *) echo "unknown image $n" >&2; exit 2 ;;
  esac
done
