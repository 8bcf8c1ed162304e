#!/usr/bin/env bash
# Peer tool for the recording tests (test/record): asciinema 2.4.0, to prove our asciicast v2
# recordings open in asciinema's own player unchanged (`asciinema cat`).
# Installed from PyPI into its own venv (whatever python3 is first on PATH: Debian's or a
# pyenv one) and linked into /usr/local/bin. Debian's 2.2.0 is not used: its `cat` opens
# /dev/tty and fails without a terminal, as in CI.
set -euo pipefail
VERSION=2.4.0
VENV=/opt/ocilab-peers/asciinema
if [ -x "$VENV/bin/asciinema" ] && "$VENV/bin/asciinema" --version 2>/dev/null | grep -q "$VERSION"; then
  echo "install-present: asciinema $VERSION present"
else
  if ! python3 -m venv --help >/dev/null 2>&1; then
    echo "install-present: apt-get install python3-venv"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends python3-venv >/dev/null
  fi
  echo "install-present: asciinema==$VERSION from PyPI into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "asciinema==$VERSION"
fi
ln -sf "$VENV/bin/asciinema" /usr/local/bin/asciinema
echo "install-present: $(command -v asciinema): $(asciinema --version)"
