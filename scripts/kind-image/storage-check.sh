#!/usr/bin/env bash
# Checks kind's default storage on a running cluster made from the node image: the
# StorageClass `standard` is the default one and is rancher.io/local-path, the provisioner
# is Available, a PVC without a storageClassName binds once a pod uses it, the pod writes
# and reads a file on it, and deleting the PVC removes its PV (the helper pod's teardown).
# Everything runs from pre-loaded images (the helper image doubles as the test pod's).
# Usage: storage-check.sh <kube context>      (e.g. kind-ocilab); leaves namespace
# ocilab-storage-check deleted. Env: KUBECTL (default: the node image's kubectl, else PATH).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"
[ $# -eq 1 ] || { echo "usage: $0 <kube context>" >&2; exit 2; }
kubectl="${KUBECTL:-$KIND_CACHE/kube-$KIND_KUBE_VERSION/kubectl}"
[ -x "$kubectl" ] || kubectl=kubectl
k() { "$kubectl" --context "$ctx" "$@"; }
ctx="$1" ns=ocilab-storage-check
helper="localhost/ocilab/local-path-helper:busybox-$KIND_LOCAL_PATH_BUSYBOX"
say() { echo "[storage-check] $*"; }

k get storageclass
default=$(k get storageclass standard -o jsonpath='{.metadata.annotations.storageclass\.kubernetes\.io/is-default-class} {.provisioner}')
[ "$default" = "true rancher.io/local-path" ] || { echo "StorageClass standard: '$default', want 'true rancher.io/local-path'" >&2; exit 1; }
k -n local-path-storage wait --for=condition=Available deploy/local-path-provisioner --timeout=120s

k delete namespace "$ns" --ignore-not-found --wait >/dev/null
k create namespace "$ns" >/dev/null
trap 'k delete namespace "$ns" --ignore-not-found --wait=false >/dev/null 2>&1 || true' EXIT
k -n "$ns" apply -f - <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 16Mi
---
apiVersion: v1
kind: Pod
metadata:
  name: writer
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
    - name: writer
      image: $helper
      imagePullPolicy: Never
      command: ["/bin/sh", "-c", "echo written-by-writer > /data/hello && sleep 3600"]
      volumeMounts:
        - name: data
          mountPath: /data
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: data
EOF
k -n "$ns" wait --for=condition=Ready pod/writer --timeout=120s
k -n "$ns" get pvc data
pv=$(k -n "$ns" get pvc data -o jsonpath='{.spec.volumeName}')
path=$(k get pv "$pv" -o jsonpath='{.spec.hostPath.path}{.spec.local.path}')
say "PVC data bound to $pv at $path on the node"
case "$path" in /var/local-path-provisioner/*) ;; *) echo "PV path $path is not under /var/local-path-provisioner" >&2; exit 1 ;; esac
got=$(k -n "$ns" exec writer -- cat /data/hello)
[ "$got" = written-by-writer ] || { echo "read back '$got'" >&2; exit 1; }
say "read back from the volume: $got"

k -n "$ns" delete pod writer --wait >/dev/null
k -n "$ns" delete pvc data --wait >/dev/null
k wait --for=delete "pv/$pv" --timeout=120s
say "PV $pv deleted after the PVC (reclaimPolicy Delete)"
k delete namespace "$ns" --wait >/dev/null
trap - EXIT
say ok
