# Packs a directory as a container image without a Dockerfile or a registry (sourced by
# images.sh and talk-images.sh; they set $out, the archive directory, and $work).
# pack <archive name> <image ref> <rootfs dir> <entrypoint json> [extra podman import --change ...]
pack() {
  local name="$1" ref="$2" dir="$3" entry="$4" c; shift 4
  local changes=(--change "ENTRYPOINT $entry")
  for c in "$@"; do changes+=(--change "$c"); done
  mkdir -p "$dir/tmp" "$dir/etc"; chmod 1777 "$dir/tmp"
  [ -e "$dir/etc/passwd" ] || printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' > "$dir/etc/passwd"
  [ -e "$dir/etc/group" ] || printf 'root:x:0:\nnobody:x:65534:\n' > "$dir/etc/group"
  tar -C "$dir" --numeric-owner --owner=0 --group=0 -cf - . | podman import --quiet "${changes[@]}" - "$ref" >/dev/null
  rm -f "$out/$name.tar"
  podman save --quiet --format docker-archive -o "$out/$name.tar.tmp" "$ref"
  mv "$out/$name.tar.tmp" "$out/$name.tar"
  echo "[kind-image] $ref -> $out/$name.tar ($(du -h "$out/$name.tar" | cut -f1))"
}

# copy a dynamically linked binary with the libraries ldd names
with_libs() { # binary destdir
  local bin="$1" dest="$2" lib
  install -D -m 0755 "$bin" "$dest/usr/local/bin/$(basename "$bin")"
  for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do install -D -m 0755 "$lib" "$dest$lib"; done
}

