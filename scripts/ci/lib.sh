# Shared by scripts/ci/install-*.sh (sourced, not run: .ci/run only runs install-*.sh).
# Set LOG_TAG before sourcing to prefix the log lines.
GOBIN_DIR="${GOBIN:-$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin}"
export PATH="$GOBIN_DIR:$PATH"

log() { echo "[${LOG_TAG:-install}] $*"; }

# apt_pkg <package> <command>: installs the Debian package unless the command is on PATH.
apt_pkg() {
  if command -v "$2" >/dev/null 2>&1; then
    log "$1 present: $(dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown)"
  else
    log "apt-get install $1"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "$1" >/dev/null
  fi
}

# go_tool <binary> <module path of the main package> <version>: `go install`s it unless the
# binary in GOBIN was built from that module version (read with `go version -m`).
go_tool() {
  local name=$1 module=$2 version=$3 have=""
  if [ -x "$GOBIN_DIR/$name" ]; then
    have=$(go version -m "$GOBIN_DIR/$name" 2>/dev/null | awk '$1=="mod"{print $3; exit}')
  fi
  if [ "$have" = "$version" ]; then
    log "$name $version present"
  else
    log "go install $module@$version (have: ${have:-none})"
    GOFLAGS=-trimpath go install "$module@$version"
  fi
}

# Debian's docker-registry package may start a system service on :5000; tests start their own.
stop_registry_service() {
  (systemctl stop docker-registry 2>/dev/null || service docker-registry stop 2>/dev/null || true) >/dev/null 2>&1
}
