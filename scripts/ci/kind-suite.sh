#!/usr/bin/env bash
# The talk on a real kind cluster (podman provider), offline: builds what is missing of the
# node image and the talk's images (scripts/kind-image/, cached under ~/.cache/ocilab-kind),
# caches them with `ocilab prepare` and removes them from podman's store (the runs must use
# prepare's cache), then runs cosign-verify and helm-oci (each twice on the kept cluster and
# registry: a rehearsal, then the talk) and git-vs-oci with --target kind, checks the demo
# Deployments Available and the default StorageClass, proves the registry mirror (an image pushed to localhost:5001 runs,
# pulled by the node's containerd through hosts.toml), and cleans up (no container, network
# or volume left). Run by .ci/run after the rig suite (docs/kind.md, "In CI").
# Needs: root, scripts/ci/install-kind.sh, install-kube.sh (kind), install-oci.sh (crane),
# install-rig.sh (the Flux and kube-apiserver binaries), npm run build.
# Order: git-vs-oci last, its fleet's pods fill the one node's CPU requests (docs/kind.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
k=scripts/kind-image
export PATH="$PATH:$(go env GOPATH)/bin"
. $k/versions.sh
stamp() { echo "[kind-suite $(date +%T)] $*"; }
kubectl="$KIND_CACHE/kube-$KIND_KUBE_VERSION/kubectl"

stamp "build what is missing (debootstrap in the background, beside the Go builds)"
nice -n 19 bash $k/rootfs.sh > "${TMPDIR:-/tmp}/ocilab-rootfs.log" 2>&1 &
rootfs_pid=$!
nice -n 19 bash $k/build-kube.sh kubelet kubeadm kubectl kube-controller-manager kube-scheduler kube-proxy
nice -n 19 bash $k/images.sh
nice -n 19 bash $k/talk-images.sh
bash $k/flux-install.sh "${XDG_CACHE_HOME:-$HOME/.cache}/ocilab/flux/install.yaml"
if ! wait "$rootfs_pid"; then cat "${TMPDIR:-/tmp}/ocilab-rootfs.log" >&2; exit 1; fi
cat "${TMPDIR:-/tmp}/ocilab-rootfs.log"
node_image="localhost/ocilab/kind-node:$KIND_KUBE_VERSION"
if ! podman image exists "$node_image" || [ "${OCILAB_KIND_REBUILD_NODE:-}" = 1 ]; then nice -n 19 bash $k/node.sh; fi

# Offline: this machine reaches package registries only; say whether image registries answer.
if curl -s -o /dev/null --max-time 5 https://registry-1.docker.io/v2/ || curl -s -o /dev/null --max-time 5 https://ghcr.io/v2/; then
  stamp "note: an image registry answers from here, so this run does not prove it works offline"
else
  stamp "offline: docker.io and ghcr.io do not answer from here; every image comes from this machine"
fi

export KIND_EXPERIMENTAL_PROVIDER=podman OCILAB_KIND_NODE_IMAGE="$node_image" OCILAB_KIND_CONFIG="$PWD/$k/kind-config.yaml"

# The offline promise: `ocilab prepare` caches what a run needs (here from podman's store, as
# nothing can be pulled), then every one of those images leaves the store, so the runs below
# can only get them from prepare's cache (registry:3 and the node image loaded back into
# podman, the Flux controllers and the demo app loaded onto the node from the archives).
stamp "ocilab prepare --target kind --node-image $node_image"
node dist/cli.js prepare --target kind --node-image "$node_image"
stamp "remove the prepared images from podman's store"
podman rmi docker.io/library/registry:3 ghcr.io/fluxcd/source-controller:"$SOURCE_CONTROLLER_VERSION" \
  ghcr.io/fluxcd/kustomize-controller:"$KUSTOMIZE_CONTROLLER_VERSION" ghcr.io/fluxcd/helm-controller:"$HELM_CONTROLLER_VERSION" \
  ghcr.io/stefanprodan/podinfo:6.7.1 "$node_image"
trap 'stamp cleanup; node dist/cli.js cleanup --target kind || true' EXIT
# cosign-verify and helm-oci twice on the kept cluster and registry: a rehearsal, then the talk.
for s in cosign-verify helm-oci cosign-verify helm-oci git-vs-oci; do
  stamp "ocilab run $s --target kind"
  node dist/cli.js run "$s" --target kind --plain
done
stamp "demo Deployments"
"$kubectl" --context kind-ocilab -n demo-signed wait --for=condition=Available deploy/podinfo --timeout=120s
"$kubectl" --context kind-ocilab -n demo-helm wait --for=condition=Available deploy/demo-helm-podinfo-lite --timeout=120s

stamp "default StorageClass (local-path provisioner): a PVC binds, a pod writes and reads it"
bash $k/storage-check.sh kind-ocilab

stamp "registry mirror: push the demo image to localhost:5001, run it from there"
ref=localhost:5001/ocilab-ci/demo-app:mirror-proof
crane push "$KIND_CACHE/talk/demo-app.tar" "$ref"
"$kubectl" --context kind-ocilab delete deployment mirror-proof --ignore-not-found >/dev/null
"$kubectl" --context kind-ocilab create deployment mirror-proof --image="$ref"
"$kubectl" --context kind-ocilab wait --for=condition=Available deploy/mirror-proof --timeout=120s
# The node's containerd asked kind-registry (hosts.toml) for that manifest, naming localhost:5001.
asked=$(podman logs kind-registry 2>&1 | grep 'ocilab-ci/demo-app/manifests/mirror-proof?ns=localhost%3A5001' | grep 'useragent="containerd/' || true)
[ -n "$asked" ] || { echo "kind-registry's log has no containerd request for $ref" >&2; exit 1; }
echo "registry log: ${asked%%$'\n'*}"

trap - EXIT
stamp cleanup
node dist/cli.js cleanup --target kind
left="$(podman ps -aq)$(podman volume ls -q)$(podman network ls --format '{{.Name}}' | grep -vx podman || true)"
[ -z "$left" ] || { echo "left behind after cleanup: $left" >&2; podman ps -a; podman volume ls; podman network ls; exit 1; }
stamp "passed"
