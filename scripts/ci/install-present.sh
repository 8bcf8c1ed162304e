#!/usr/bin/env bash
# Peer tool for the present/record tests: asciinema (the Python 2.x line, which has `cat` and
# `play`) proves our asciicast v2 recordings open in asciinema's own tools unchanged.
# Idempotent: installs only when asciinema at the pinned version is missing. Runs as root.
set -euo pipefail
VERSION=2.4.0

if command -v asciinema >/dev/null 2>&1 && asciinema --version 2>/dev/null | grep -q "$VERSION"; then
  echo "install-present: asciinema $VERSION already installed"
  exit 0
fi
if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "install-present: installing python3-pip (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
fi
echo "install-present: installing asciinema==$VERSION from PyPI into /usr/local"
# Debian marks its Python as externally managed (PEP 668); /usr/local is ours to write.
if python3 -m pip install --help | grep -q -- --break-system-packages; then
  python3 -m pip install --quiet --break-system-packages --prefix /usr/local "asciinema==$VERSION"
else
  python3 -m pip install --quiet --prefix /usr/local "asciinema==$VERSION"
fi
echo "install-present: installed $(asciinema --version)"
