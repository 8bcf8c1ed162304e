# Pinned inputs of the kind node image (sourced by the other scripts here).
# Kubernetes: the rig's version (scripts/rig/versions.sh), so the Go build cache and the
# module downloads are shared with the rig's kube-apiserver build.
here_kind_image="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../rig/versions.sh
. "$here_kind_image/../rig/versions.sh"
KIND_KUBE_VERSION="$KUBE_VERSION"

# The source of <module>@<version> in the Go module cache (downloaded when needed), as
# scripts/rig/lib.sh's mod_dir; fails when the proxy gives no directory.
mod_dir() {
  local scratch dir
  scratch=$(mktemp -d)
  dir=$(cd "$scratch" && GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || true
  rm -rf "$scratch"
  [ -n "$dir" ] || { echo "go mod download $1 gave no directory" >&2; return 1; }
  echo "$dir"
}
# etcd as `kubeadm config images list --kubernetes-version v1.36.3` names it (3.6.8-0).
KIND_ETCD_VERSION=3.6.8
DEBIAN_SUITE=bookworm
# kind's default StorageClass: rancher's local-path-provisioner. kind v0.32 ships v0.0.34
# (images/local-path-provisioner/Makefile); the Go module proxy here serves v0.0.30, not
# v0.0.34, so v0.0.30 it is (docs/kind.md). Its helper pod runs busybox from Debian's
# busybox-static package, checked against this upstream version.
KIND_LOCAL_PATH_VERSION=v0.0.30
KIND_LOCAL_PATH_BUSYBOX=1.35.0
DEBIAN_MIRROR="${OCILAB_KIND_MIRROR:-http://deb.debian.org/debian}"
# What a kind node runs (KIND-NODE-IMAGE.md §4), from Debian: systemd as PID 1, containerd
# 1.6 + runc, the CNI plugins (/usr/lib/cni), iptables/conntrack for kube-proxy, and the
# few tools kind and kubeadm exec.
DEBIAN_PACKAGES=systemd,systemd-sysv,dbus,iptables,nftables,iproute2,containerd,runc,containernetworking-plugins,conntrack,ethtool,socat,mount,kmod,procps,ca-certificates
KIND_CACHE="${OCILAB_KIND_CACHE:-$HOME/.cache/ocilab-kind}"
