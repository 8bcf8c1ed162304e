#!/usr/bin/env bash
# Peers of the kind tests on a real container engine (test/kind; docs/kind.md): rootful podman
# with runc, and debootstrap for the node image's Debian layer (scripts/kind-image/).
# The kind CLI itself comes from scripts/ci/install-kube.sh (go install sigs.k8s.io/kind).
#
# THIS MACHINE's settings, not something ocilab does to a user's machine: podman's default
# OCI runtime crun fails here ("cgroups in hybrid mode not supported"; runc works), and the
# sandbox lacks CAP_SYS_RESOURCE, so podman's default rlimits fail ("setrlimit RLIMIT_NOFILE:
# Operation not permitted"); lower ones work. Both go into /etc/containers/containers.conf,
# written only when absent or written by this script before (never over someone's own file).
# Idempotent: installs only missing packages, rewrites the file only when it differs.
set -euo pipefail
LOG_TAG=install-kind
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

apt_pkg runc runc
apt_pkg podman podman
apt_pkg debootstrap debootstrap
# podman's rootful bridge networks (kind creates one) use the CNI plugins here (podman 4.3,
# network backend cni); they are a Recommends of nothing podman Depends on.
apt_pkg containernetworking-plugins /usr/lib/cni/bridge
apt_pkg iptables iptables
# Container-name DNS on podman's CNI networks (kind-registry from the node and from pods);
# without it the kind network has dns_enabled: false (docs/kind.md).
apt_pkg golang-github-containernetworking-plugin-dnsname /usr/lib/cni/dnsname

conf=/etc/containers/containers.conf
marker="# written by ocilab scripts/ci/install-kind.sh"
want="$marker (CI machine settings; see the script's header)
[containers]
default_ulimits = [\"nofile=4096:4096\", \"nproc=4096:4096\"]

[engine]
runtime = \"runc\"
"
if [ -e "$conf" ] && ! head -n 1 "$conf" | grep -qF "$marker"; then
  log "$conf exists and was not written by this script: left alone. It needs:"
  printf '%s' "$want" | tail -n +2 >&2
elif [ "$(cat "$conf" 2>/dev/null)" = "$(printf '%s' "$want")" ]; then
  log "$conf already set (runc, default_ulimits)"
else
  mkdir -p /etc/containers
  printf '%s' "$want" > "$conf"
  log "wrote $conf (runtime runc, default_ulimits nofile/nproc 4096)"
fi
# kind's podman provider always mounts /lib/modules:/lib/modules:ro; this VM's kernel has no
# modules directory, so podman refuses the node ("statfs /lib/modules: no such file or directory").
if [ ! -e /lib/modules ]; then mkdir -p /lib/modules; log "created an empty /lib/modules (kind mounts it into nodes)"; fi
log "done: $(podman --version), runc $(runc --version | head -n 1 | awk '{print $3}'), runtime $(podman info --format '{{.Host.OCIRuntime.Name}}' 2>/dev/null || echo '?'), debootstrap $(dpkg-query -W -f='${Version}' debootstrap)"
