#!/usr/bin/env bash
# Peer tools for the measurement harness's tests (src/measure):
#   chromium  headless, loads the self-contained HTML report and checks its charts
#   time      GNU time (/usr/bin/time -f %M): peak RSS of measured child processes
#   hyperfine external timing for scripts/measure/bench-overhead.ts (bench only, optional for tests)
#   docker-registry, skopeo, curl  peers of the OCI reference methods' tests (test/measure/oci-cli.test.ts)
# Idempotent: installs only what is missing. Debian packages, run as root under CI.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-dejavu-core)
[ -x /usr/bin/time ] || need+=(time)
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
command -v curl >/dev/null 2>&1 || need+=(curl)

if [ ${#need[@]} -eq 0 ]; then
  echo "install-measure: chromium, time, hyperfine, docker-registry, skopeo, curl already installed"
else
  echo "install-measure: apt-get install ${need[*]}"
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# the Debian package starts a registry service on :5000; tests start their own on a free port
(systemctl stop docker-registry 2>/dev/null || service docker-registry stop 2>/dev/null || true) >/dev/null 2>&1
echo "install-measure: $(chromium --version 2>/dev/null | head -1); $(/usr/bin/time --version 2>&1 | head -1); $(hyperfine --version)"
