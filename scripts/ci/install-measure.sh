#!/usr/bin/env bash
# Peer tools for the measurement harness's tests (src/measure):
#   chromium  headless, loads the self-contained HTML report and checks its charts
#   time      GNU time (/usr/bin/time -f %M): peak RSS of measured child processes
#   hyperfine external timing for scripts/measure/bench-overhead.ts (bench only, optional for tests)
# Idempotent: installs only what is missing. Debian packages, run as root under CI.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-dejavu-core)
[ -x /usr/bin/time ] || need+=(time)
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)

if [ ${#need[@]} -eq 0 ]; then
  echo "install-measure: chromium, time and hyperfine already installed"
else
  echo "install-measure: apt-get install ${need[*]}"
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "install-measure: $(chromium --version 2>/dev/null | head -1); $(/usr/bin/time --version 2>&1 | head -1); $(hyperfine --version)"
