#!/usr/bin/env bash
# Assembles the kind node image from the cached Debian rootfs (rootfs.sh), the Kubernetes
# binaries (build-kube.sh) and the image archives under $KIND_CACHE/images/ (images.sh), and
# imports it into podman as localhost/ocilab/kind-node:<version> (`podman import`, one
# layer; no Dockerfile, no registry). Needs root.
# Env: OCILAB_KIND_CGROUP_DRIVER=systemd|cgroupfs (containerd's SystemdCgroup; kubelet's
# cgroupDriver must match it, see docs/kind.md); OCILAB_KIND_NODE_OUT, another image name to
# import it as (e.g. to try a change beside the image in use).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"
driver="${OCILAB_KIND_CGROUP_DRIVER:-systemd}"
sandbox="${OCILAB_KIND_SANDBOX_IMAGE:-registry.k8s.io/pause:3.10.2}"
image="${OCILAB_KIND_NODE_OUT:-localhost/ocilab/kind-node:$KIND_KUBE_VERSION}"
rootfs="$KIND_CACHE/rootfs-$DEBIAN_SUITE.tar"
bins="$KIND_CACHE/kube-$KIND_KUBE_VERSION"
[ -f "$rootfs" ] || { echo "no rootfs: run $here/rootfs.sh" >&2; exit 1; }
for b in kubelet kubeadm kubectl; do [ -x "$bins/$b" ] || { echo "no $bins/$b: run $here/build-kube.sh" >&2; exit 1; }; done

start=$(date +%s)
work=$(mktemp -d "$KIND_CACHE/node.XXXXXX"); trap 'rm -rf "$work"' EXIT
r="$work/root"; mkdir "$r"
tar -C "$r" --numeric-owner -xf "$rootfs"
f="$here/files"

install -m 0755 "$bins/kubelet" "$bins/kubeadm" "$bins/kubectl" "$r/usr/bin/"
install -m 0755 "$f/entrypoint" "$r/usr/local/bin/entrypoint"
mkdir -p "$r/kind/bin" "$r/kind/images" "$r/kind/manifests" "$r/etc/kubernetes/manifests" "$r/etc/cni/net.d"
install -m 0755 "$f/preload-images" "$r/kind/bin/preload-images"
echo "$KIND_KUBE_VERSION" > "$r/kind/version"
if [ "$driver" = systemd ]; then sc=true; else sc=false; fi
sed -e "s#@SANDBOX_IMAGE@#$sandbox#" -e "s#@SYSTEMD_CGROUP@#$sc#" "$f/containerd-config.toml" > "$r/etc/containerd/config.toml"
shopt -s nullglob
for a in "$KIND_CACHE"/images/*.tar; do cp "$a" "$r/kind/images/"; done
for m in "$KIND_CACHE"/manifests/*.yaml; do cp "$m" "$r/kind/manifests/"; done
# One node, no CNI add-on image yet: ptp + host-local on the first node podCIDR kind's
# podSubnet (10.244.0.0/16) gives (used with networking.disableDefaultCNI; see kind-config.yaml).
cp "$f/20-ocilab-single-node.conflist" "$r/etc/cni/net.d/"
shopt -u nullglob

# systemd: units, trimmed to what a node needs (no udev, no getty, no tmpfiles wipe).
sd="$r/etc/systemd/system"
install -m 0644 "$f/kubelet.service" "$f/kubelet.slice" "$f/ocilab-preload.service" "$sd/"
mkdir -p "$sd/kubelet.service.d"
install -m 0644 "$f/10-kubeadm.conf" "$sd/kubelet.service.d/"
printf '[Service]\nExecStartPre=/bin/sh -c "test -f /sys/fs/cgroup/cgroup.controllers || mkdir -p /sys/fs/cgroup/systemd/kubelet"\n' > "$sd/kubelet.service.d/11-ocilab.conf"
echo 'KUBELET_EXTRA_ARGS=--runtime-cgroups=/system.slice/containerd.service' > "$r/etc/default/kubelet"
printf 'net.ipv4.conf.all.route_localnet=1\nnet.ipv4.conf.all.arp_ignore=0\n' > "$r/etc/sysctl.d/10-ocilab-kind.conf"
rm -f "$r/lib/systemd/system/sysinit.target.wants/systemd-tmpfiles-setup.service"
find "$r/lib/systemd/system/multi-user.target.wants" "$r/lib/systemd/system/local-fs.target.wants" \
  "$r/lib/systemd/system/basic.target.wants" -mindepth 1 -delete 2>/dev/null || true
find "$r/lib/systemd/system/sockets.target.wants" \( -name '*udev*' -o -name '*initctl*' \) -delete 2>/dev/null || true
find "$sd" -mindepth 2 -path '*.wants/*' -delete
mkdir -p "$sd/multi-user.target.wants"
for u in containerd.service kubelet.service ocilab-preload.service; do
  src="$sd/$u"; [ -e "$src" ] || src="/lib/systemd/system/$u"
  ln -sf "$src" "$sd/multi-user.target.wants/$u"
done
ln -sf /dev/null "$sd/systemd-binfmt.service"
sed -i 's/^#\?ReadKMsg=.*/ReadKMsg=no/' "$r/etc/systemd/journald.conf"
ln -sf /lib/systemd/systemd "$r/sbin/init"
ln -sf /lib/systemd/system/multi-user.target "$sd/default.target"

podman rmi -f "$image" >/dev/null 2>&1 || true
tar -C "$r" --numeric-owner -cf - . | podman import --quiet \
  --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' \
  --change 'ENV container=docker' --change 'STOPSIGNAL SIGRTMIN+3' - "$image" >/dev/null
echo "[kind-image] $image (cgroup driver $driver, sandbox $sandbox) in $(( $(date +%s) - start ))s"
podman image ls "$image"
