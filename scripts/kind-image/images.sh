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
#   coredns        github.com/coredns/coredns at the version kubeadm lists, kubeadm's plugins only
#   local-path-provisioner  github.com/rancher/local-path-provisioner@$KIND_LOCAL_PATH_VERSION
#                  (v0.0.30; kind v0.32's own image is v0.0.34, which the module proxy here
#                  does not serve), as docker.io/rancher/local-path-provisioner:v0.0.30
#   local-path-helper       the provisioner's helper pod image: Debian's busybox-static
#                  (sh, mkdir, rm, ...), as localhost/ocilab/local-path-helper:busybox-<version>
#   default-storage         not an image: files/default-storage.yaml with those two refs ->
#                  $KIND_CACHE/manifests/default-storage.yaml (kind's default StorageClass
#                  `standard`; node.sh puts it in /kind/manifests/). Rewritten on every run.
# kindnetd is not built: its module (sigs.k8s.io/kindnet) is not served by the proxy here.
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
  src=$(mod_dir "k8s.io/kubernetes@$KIND_KUBE_VERSION")
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

# CoreDNS at the version kubeadm lists, with the plugins kubeadm's Corefile uses (kubeadm
# cmd/kubeadm/app/phases/addons/dns/manifests.go: errors health ready kubernetes prometheus
# forward cache loop reload loadbalance) plus log: a main package importing coremain and those
# plugin packages and setting dnsserver.Directives to them in plugin.cfg's order, the way
# CoreDNS documents builds with a chosen plugin set (coredns.io/2017/07/25/compile-time-enabling-or-disabling-plugins/,
# "Build with external golang source code"). The cloud-DNS, tracing and other plugins
# of the full build are left out (they were most of its compile time). kubeadm runs it with
# only `-conf /etc/coredns/Corefile`.
COREDNS_PLUGINS="errors health ready kubernetes prometheus forward cache loop reload loadbalance log"
image_coredns() {
  local ref v bin m src name pkg
  ref=$("$bins/kubeadm" config images list --kubernetes-version "$KIND_KUBE_VERSION" | grep '/coredns:')
  v=${ref##*:}; bin="$KIND_CACHE/coredns-$v"
  if [ ! -x "$bin" ]; then
    m="$work/coredns-mod"; mkdir -p "$m"
    (cd "$m" && go mod init ocilab.local/kind-coredns >/dev/null 2>&1 &&
      GOFLAGS=-mod=mod go get "github.com/coredns/coredns@$v" >/dev/null 2>&1)
    src=$(mod_dir "github.com/coredns/coredns@$v")
    {
      echo '// Generated by scripts/kind-image/images.sh: CoreDNS with the plugins of kubeadm'"'"'s Corefile.'
      echo 'package main'
      echo 'import ('
      echo '	"github.com/coredns/coredns/core/dnsserver"'
      echo '	"github.com/coredns/coredns/coremain"'
      while IFS=: read -r name pkg; do
        case " $COREDNS_PLUGINS " in *" $name "*) echo "	_ \"github.com/coredns/coredns/plugin/$pkg\"" ;; esac
      done < <(grep -v '^#' "$src/plugin.cfg" | grep .)
      echo ')'
      printf 'func init() { dnsserver.Directives = []string{'
      while IFS=: read -r name pkg; do
        case " $COREDNS_PLUGINS " in *" $name "*) printf '"%s", ' "$name" ;; esac
      done < <(grep -v '^#' "$src/plugin.cfg" | grep .)
      echo '} }'
      echo 'func main() { coremain.Run() }'
    } > "$m/main.go"
    [ "$(grep -c '^	_ ' "$m/main.go")" -eq "$(wc -w <<<"$COREDNS_PLUGINS")" ] ||
      { echo "plugin.cfg of coredns $v lacks one of: $COREDNS_PLUGINS" >&2; cat "$m/main.go" >&2; exit 1; }
    (cd "$m" && GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1)
    TIMEFORMAT="[kind-image] go build coredns $v ($COREDNS_PLUGINS): wall %0Rs cpu-user %0Us cpu-sys %0Ss"
    time (cd "$m" && CGO_ENABLED=0 GOFLAGS="-mod=mod -p=2 -buildvcs=false" nice -n 19 go build -trimpath -ldflags='-s -w' -o "$bin" .)
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

# kind's default StorageClass (kind v0.32 pkg/build/nodeimage/const_storage.go: a customized
# rancher local-path-provisioner installed from /kind/manifests/default-storage.yaml).
# The provisioner from its Go module at $KIND_LOCAL_PATH_VERSION (its go.mod and go.sum; the
# dependencies from the module proxy) with the version stamped as upstream's scripts/build does
# (-X main.VERSION=<tag>), packed under rancher's own name for that version.
LOCAL_PATH_PROVISIONER_REF="docker.io/rancher/local-path-provisioner:$KIND_LOCAL_PATH_VERSION"
LOCAL_PATH_HELPER_REF="localhost/ocilab/local-path-helper:busybox-$KIND_LOCAL_PATH_BUSYBOX"
image_local_path_provisioner() {
  local v="$KIND_LOCAL_PATH_VERSION" bin="$KIND_CACHE/local-path-provisioner-$KIND_LOCAL_PATH_VERSION" src
  if [ ! -x "$bin" ]; then
    src=$(mod_dir "github.com/rancher/local-path-provisioner@$v")
    # a writable copy as the main module (the module zip keeps vendor/modules.txt only)
    cp -r "$src" "$work/lpp-src"; chmod -R u+w "$work/lpp-src"; rm -rf "$work/lpp-src/vendor"
    (cd "$work/lpp-src" && GOFLAGS=-mod=mod go mod download >/dev/null)
    TIMEFORMAT="[kind-image] go build local-path-provisioner $v: wall %0Rs cpu-user %0Us cpu-sys %0Ss"
    time (cd "$work/lpp-src" && CGO_ENABLED=0 GOFLAGS="-mod=mod -p=${OCILAB_KIND_BUILD_P:-2} -buildvcs=false" nice -n 19 go build -trimpath -ldflags="-s -w -X main.VERSION=$v" -o "$bin.tmp" . && mv "$bin.tmp" "$bin")
  fi
  mkdir -p "$work/local-path-provisioner/usr/local/bin"
  install -m 0755 "$bin" "$work/local-path-provisioner/usr/local/bin/local-path-provisioner"
  pack local-path-provisioner "$LOCAL_PATH_PROVISIONER_REF" "$work/local-path-provisioner" \
    '["/usr/local/bin/local-path-provisioner"]' 'ENV PATH=/usr/local/bin:/usr/bin:/bin'
}

# The helper pod runs `/bin/sh /script/setup` (mkdir -m 0777 -p "$VOL_DIR") and
# `/bin/sh /script/teardown` (rm -rf "$VOL_DIR") from the manifest's ConfigMap: Debian's
# busybox-static (`apt-get download`, the host's bookworm sources) with a link per applet.
image_local_path_helper() {
  local d="$work/local-path-helper" deb v a
  mkdir -p "$work/deb" "$d/bin"
  (cd "$work/deb" && apt-get download -q busybox-static >/dev/null 2>&1) ||
    { echo "apt-get download busybox-static failed" >&2; exit 1; }
  deb=$(ls "$work"/deb/busybox-static_*.deb)
  v=$(dpkg-deb -f "$deb" Version); v=${v#*:}; v=${v%%-*}
  [ "$v" = "$KIND_LOCAL_PATH_BUSYBOX" ] ||
    { echo "busybox-static is $v here, versions.sh pins $KIND_LOCAL_PATH_BUSYBOX" >&2; exit 1; }
  dpkg-deb -x "$deb" "$work/deb/x"
  install -m 0755 "$work/deb/x/bin/busybox" "$d/bin/busybox"
  for a in $("$d/bin/busybox" --list-full); do
    [ "$a" = bin/busybox ] && continue
    mkdir -p "$d/$(dirname "$a")"
    ln -s /bin/busybox "$d/$a"
  done
  for a in sh mkdir rm; do [ -L "$d/bin/$a" ] || { echo "busybox lacks $a" >&2; exit 1; }; done
  pack local-path-helper "$LOCAL_PATH_HELPER_REF" "$d" '["/bin/sh"]' \
    'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin'
}

# The manifest kind applies at "Installing StorageClass" (files/default-storage.yaml with
# the two refs above) -> $KIND_CACHE/manifests/, which node.sh copies to /kind/manifests/.
manifest_default_storage() {
  mkdir -p "$KIND_CACHE/manifests"
  sed -e "s#@PROVISIONER_IMAGE@#$LOCAL_PATH_PROVISIONER_REF#g" -e "s#@HELPER_IMAGE@#$LOCAL_PATH_HELPER_REF#g" \
    "$here/files/default-storage.yaml" > "$KIND_CACHE/manifests/default-storage.yaml.tmp"
  mv "$KIND_CACHE/manifests/default-storage.yaml.tmp" "$KIND_CACHE/manifests/default-storage.yaml"
  echo "[kind-image] $KIND_CACHE/manifests/default-storage.yaml"
}

names=("$@"); [ "${#names[@]}" -gt 0 ] || names=(pause etcd kube-apiserver kube-controller-manager kube-scheduler kube-proxy coredns local-path-provisioner local-path-helper default-storage)
for n in "${names[@]}"; do
  if [ "$n" = default-storage ]; then manifest_default_storage; continue; fi
  if [ -f "$out/$n.tar" ]; then echo "[kind-image] cached: $out/$n.tar"; continue; fi
  case "$n" in
    pause) image_pause ;;
    etcd) image_etcd ;;
    kube-apiserver) image_kube kube-apiserver "$RIG_CACHE/bin/kube-apiserver-$KIND_KUBE_VERSION" ;;
    kube-controller-manager|kube-scheduler) image_kube "$n" "$bins/$n" ;;
    kube-proxy) image_kube_proxy ;;
    coredns) image_coredns ;;
    local-path-provisioner) image_local_path_provisioner ;;
    local-path-helper) image_local_path_helper ;;
    *) echo "unknown image $n" >&2; exit 2 ;;
  esac
done
