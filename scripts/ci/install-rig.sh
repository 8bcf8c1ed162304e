#!/usr/bin/env bash
# Peers of the rig suite (test/rig, `npm run test:rig`; docs/rig.md). Run by .ci/run as root
# with CI=true like every scripts/ci/install-*.sh; fine on a laptop too. Idempotent:
#  - Debian packages etcd-server, openssl, curl (only those missing);
#  - kube-apiserver, source-controller, kustomize-controller and helm-controller built from
#    their Go modules at the versions pinned in scripts/rig/versions.sh into
#    ~/.cache/ocilab-rig/bin/<name>-<version> (scripts/rig/build.sh checks each binary at its
#    pinned version: one already there is not rebuilt, a new version is). Each build's wall
#    and CPU time is printed and appended to ~/.cache/ocilab-rig/build-times.log. Cold, the
#    four builds take long (helm-controller alone ~20 min on a loaded 2-core machine: docs/rig.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
need=()
command -v etcd >/dev/null || need+=(etcd-server)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "not root: install them with: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
else
  echo "Debian packages already installed: etcd-server openssl curl"
fi
echo "etcd: $(etcd --version | head -1)"
bash scripts/rig/build.sh all
bash scripts/rig/build.sh check
ls -l "${OCILAB_RIG_CACHE:-$HOME/.cache/ocilab-rig}/bin"
