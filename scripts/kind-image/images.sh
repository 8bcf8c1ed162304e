#!/usr/bin/env bash
# Container images the node pre-loads, each packed without a registry: a root filesystem
# tarball made here -> `podman import --change ENTRYPOINT` under the exact name kubeadm or
# kind asks for -> `podman save --format docker-archive` into $KIND_CACHE/images/<name>.tar
# (the node's ocilab-preload.service imports them with ctr). Cached per archive.
#   pause          build/pause/linux/pause.c from the k8s.io/kubernetes module, gcc -static
#   kube-apiserver the rig's binary (scripts/rig/build.sh), same version
#   etcd           Debian's etcd-server binary + its libc (tag says so: <version>-debian)
#   kube-controller-manager, kube-scheduler, kube-proxy: build-kube.sh (when built)
# Usage: images.sh [name...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"
out="$KIND_CACHE/images"; mkdir -p "$out"
bins="$KIND_CACHE/kube-$KIND_KUBE_VERSION"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# pack <archive name> <image ref> <rootfs dir> <entrypoint json>
pack() {
  local name="$1" ref="$2" dir="$3" entry="$4" tmp="localhost/ocilab-pack/$1:tmp"
  mkdir -p "$dir/tmp" "$dir/etc"; chmod 1777 "$dir/tmp"
  [ -e "$dir/etc/passwd" ] || printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' > "$dir/etc/passwd"
  [ -e "$dir/etc/group" ] || printf 'root:x:0:\nnobody:x:65534:\n' > "$dir/etc/group"
  tar -C "$dir" --numeric-owner --owner=0 --group=0 -cf - . | podman import --quiet --change "ENTRYPOINT $entry" - "$ref" >/dev/null
  rm -f "$out/$name.tar"
  podman save --quiet --format docker-archive -o "$out/$name.tar.tmp" "$ref"
  mv "$out/$name.tar.tmp" "$out/$name.tar"
  echo "[kind-image] $ref -> $out/$name.tar ($(du -h "$out/$name.tar" | cut -f1))"
}

# copy a dynamically linked binary with the libraries ldd names
with_libs() { # binary destdir
  local bin="$1" dest="$2" lib
  install -D -m 0755 "$bin" "$dest/usr/local/bin/$(basename "$bin")"
  for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do install -D -m 0755 "$lib" "$dest$lib"; done
}

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

image_etcd() {
  local v; v=$(etcd --version | sed -n 's/^etcd Version: //p')
  with_libs "$(command -v etcd)" "$work/etcd"
  if command -v etcdctl >/dev/null; then with_libs "$(command -v etcdctl)" "$work/etcd"; fi
  pack etcd "registry.k8s.io/etcd:$v-debian" "$work/etcd" '["/usr/local/bin/etcd"]'
}

names=("$@"); [ "${#names[@]}" -gt 0 ] || names=(pause etcd kube-apiserver kube-controller-manager kube-scheduler kube-proxy)
for n in "${names[@]}"; do
  if [ -f "$out/$n.tar" ]; then echo "[kind-image] cached: $out/$n.tar"; continue; fi
  case "$n" in
    pause) image_pause ;;
    etcd) image_etcd ;;
    kube-apiserver) image_kube kube-apiserver "$RIG_CACHE/bin/kube-apiserver-$KIND_KUBE_VERSION" ;;
    kube-controller-manager|kube-scheduler|kube-proxy) image_kube "$n" "$bins/$n" ;;
    *) echo "unknown image $n" >&2; exit 2 ;;
  esac
done
