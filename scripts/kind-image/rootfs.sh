#!/usr/bin/env bash
# The node image's Debian layer: `debootstrap --variant=minbase` of bookworm with the
# packages in versions.sh, packed as a tarball. Cached: $KIND_CACHE/rootfs-<suite>.tar is
# reused when its package list matches (stamp beside it). Needs root (debootstrap chroots).
set -euo pipefail
. "$(dirname "$0")/versions.sh"
mkdir -p "$KIND_CACHE"
out="$KIND_CACHE/rootfs-$DEBIAN_SUITE.tar"
stamp="$out.packages"
if [ -f "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$DEBIAN_PACKAGES" ]; then
  echo "[kind-image] rootfs cached: $out"; exit 0
fi
work=$(mktemp -d "$KIND_CACHE/rootfs.XXXXXX")
trap 'rm -rf "$work"' EXIT
TIMEFORMAT='[kind-image] debootstrap: wall %0Rs cpu-user %0Us cpu-sys %0Ss'
time nice -n 19 debootstrap --variant=minbase --include="$DEBIAN_PACKAGES" "$DEBIAN_SUITE" "$work/root" "$DEBIAN_MIRROR" >"$KIND_CACHE/debootstrap.log" 2>&1 ||
  { tail -n 20 "$KIND_CACHE/debootstrap.log" >&2; exit 1; }
# apt lists and caches are not needed in a node.
rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*
TIMEFORMAT='[kind-image] tar: wall %0Rs'
time tar -C "$work/root" --numeric-owner -cf "$out.tmp" .
mv "$out.tmp" "$out"
echo "$DEBIAN_PACKAGES" > "$stamp"
ls -l "$out"
