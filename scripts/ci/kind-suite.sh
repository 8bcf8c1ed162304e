#!/usr/bin/env bash
# The talk on a real kind cluster (podman provider), offline: builds what is missing of the
# node image and the talk's images (scripts/kind-image/, cached under ~/.cache/ocilab-kind),
# then runs cosign-verify, helm-oci and git-vs-oci with --target kind, checks the demo
# Deployments Ready, and cleans up (no container, network or volume left).
# NOT run by .ci/run (its install-*.sh loop would): a cold build adds about 44 minutes
# (docs/kind.md, "Proven here / not yet"), over the 70-minute CI budget for now.
# Needs: root, scripts/ci/install-kind.sh, install-kube.sh, install-rig.sh (the Flux and
# kube-apiserver binaries), npm run build.
# Order: git-vs-oci last, its fleet's pods fill the one node's CPU requests (docs/kind.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
k=scripts/kind-image
export PATH="$PATH:$(go env GOPATH)/bin"
stamp() { echo "[kind-suite $(date +%T)] $*"; }

stamp "build what is missing"
nice -n 19 bash $k/rootfs.sh
nice -n 19 bash $k/build-kube.sh kubelet kubeadm kubectl
nice -n 19 bash $k/build-kube.sh kube-controller-manager kube-scheduler kube-proxy
nice -n 19 bash $k/images.sh
nice -n 19 bash $k/talk-images.sh
bash $k/flux-install.sh "${XDG_CACHE_HOME:-$HOME/.cache}/ocilab/flux/install.yaml"
. $k/versions.sh
node_image="localhost/ocilab/kind-node:$KIND_KUBE_VERSION"
if ! podman image exists "$node_image" || [ "${OCILAB_KIND_REBUILD_NODE:-}" = 1 ]; then nice -n 19 bash $k/node.sh; fi

export KIND_EXPERIMENTAL_PROVIDER=podman OCILAB_KIND_NODE_IMAGE="$node_image" OCILAB_KIND_CONFIG="$PWD/$k/kind-config.yaml"
trap 'stamp cleanup; node dist/cli.js cleanup --target kind || true' EXIT
for s in cosign-verify helm-oci git-vs-oci; do
  stamp "ocilab run $s --target kind"
  node dist/cli.js run "$s" --target kind --plain
done
stamp "demo Deployments"
kubectl --context kind-ocilab -n demo-signed wait --for=condition=Available deploy/podinfo --timeout=120s
kubectl --context kind-ocilab -n demo-helm wait --for=condition=Available deploy/demo-helm-podinfo-lite --timeout=120s
trap - EXIT
stamp cleanup
node dist/cli.js cleanup --target kind
left="$(podman ps -aq)$(podman volume ls -q)$(podman network ls --format '{{.Name}}' | grep -vx podman || true)"
[ -z "$left" ] || { echo "left behind after cleanup: $left" >&2; podman ps -a; podman volume ls; podman network ls; exit 1; }
stamp "passed"
