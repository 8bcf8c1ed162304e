#!/usr/bin/env bash
# Peer tools for the git area's tests: the real git CLI (client, http-backend, fast-import).
# Idempotent; run by .ci/run as root with CI=true. The OCI reconciler tests also use the
# distribution registry, which scripts/ci/install-oci.sh installs.
set -euo pipefail

need_git() {
  command -v git >/dev/null 2>&1 || return 0
  [ -x "$(git --exec-path)/git-http-backend" ] || return 0
  # ocilab needs git >= 2.28 (--initial-branch, protocol v2, sparse-checkout, GIT_CONFIG_COUNT needs 2.31)
  local v major minor
  v=$(git --version | sed -E 's/[^0-9]*([0-9]+)\.([0-9]+).*/\1 \2/')
  read -r major minor <<<"$v"
  if [ "$major" -gt 2 ] || { [ "$major" -eq 2 ] && [ "$minor" -ge 31 ]; }; then return 1; fi
  return 0
}

if need_git; then
  echo "install-git: installing git from apt"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends git
else
  echo "install-git: $(git --version) with http-backend already present"
fi
command -v bash >/dev/null || { echo "install-git: bash is required (CPU accounting)"; exit 1; }
echo "install-git: python3 $(command -v python3 >/dev/null && echo present: peak RSS measured || echo absent: peak RSS reported as n/a)"
