#!/usr/bin/env bash
# Rig binaries for test/rig (`npm run test:rig`; not yet run by .ci/run, see docs/rig.md):
# etcd from Debian (etcd-server), and kube-apiserver, source-controller and
# kustomize-controller built from their Go modules into ~/.cache/ocilab-rig/bin
# (scripts/rig/build.sh; a cached binary is not rebuilt). Prints each build's wall time.
# Also openssl and curl, which scripts/rig/up uses.
set -euo pipefail
cd "$(dirname "$0")/../.."
need=()
command -v etcd >/dev/null || need+=(etcd-server)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "etcd: $(etcd --version | head -1)"
bash scripts/rig/build.sh all
ls -l "${OCILAB_RIG_CACHE:-$HOME/.cache/ocilab-rig}/bin"
