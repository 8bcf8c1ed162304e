#!/usr/bin/env bash
# Peer tools for the UI tests: tmux drives the built CLI in a real terminal (test/e2e).
# Idempotent: installs only what is missing. Runs as root under .ci/run (apt-get update done).
set -euo pipefail

if command -v tmux >/dev/null 2>&1; then
  echo "install-ui: tmux already installed: $(tmux -V)"
else
  echo "install-ui: installing tmux (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tmux >/dev/null
  echo "install-ui: installed $(tmux -V)"
fi

# pgrep (procps) checks that no child outlives a run.
if command -v pgrep >/dev/null 2>&1; then
  echo "install-ui: pgrep already installed"
else
  echo "install-ui: installing procps (pgrep)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends procps >/dev/null
fi
