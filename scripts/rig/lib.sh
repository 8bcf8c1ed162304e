# Helpers shared by scripts/rig/up and down (sourced).
# fd 4: the script's stderr, also inside probes whose stderr is silenced (wait_until).
exec 4>&2
log() { echo "[rig] $*" >&4; }
die() { log "error: $*"; exit 1; }

# Path of a module's source in the Go module cache (downloads it when needed).
mod_dir() {
  local scratch dir; scratch=$(mktemp -d)
  dir=$(cd "$scratch" && GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  rm -rf "$scratch"
  [ -n "$dir" ] || die "go mod download $1 gave no directory"
  echo "$dir"
}

# N free loopback TCP ports on one line (the kernel picks them; all held until all are known).
free_ports() {
  node -e '
    const net = require("node:net");
    const n = Number(process.argv[1]); const servers = []; const ports = [];
    const next = () => {
      if (ports.length === n) { console.log(ports.join(" ")); servers.forEach((s) => s.close()); return; }
      const s = net.createServer(); servers.push(s);
      s.listen(0, "127.0.0.1", () => { ports.push(s.address().port); next(); });
    };
    next();' "$1"
}

# start_proc NAME BINARY ARGS...: runs in its own session, output to $state/logs/NAME.log,
# pid appended to $state/pids ("NAME PID").
start_proc() {
  local name="$1"; shift
  [ -x "$1" ] || die "$name: $1 is not an executable (scripts/rig/build.sh builds it)"
  # Only the log file is inherited (not fd 4 nor the caller's pipes), so whoever ran `up`
  # sees it end when it returns.
  setsid "$@" </dev/null >"$state/logs/$name.log" 2>&1 4>&- &
  echo "$name $!" >> "$state/pids"
  log "started $name (pid $!)"
}

# Is the process NAME from $state/pids still alive?
proc_alive() {
  local pid; pid=$(awk -v n="$1" '$1 == n { print $2 }' "$state/pids" | tail -1)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# wait_until WHAT SECONDS CMD...: retries CMD every 0.2 s; fails with WHAT after SECONDS.
wait_until() {
  local what="$1" secs="$2"; shift 2
  local deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "timed out after ${secs}s waiting for $what"
    sleep 0.2
  done
  log "$what: ready"
}

# wait_http NAME SECONDS URL: waits for a 200 from URL and that process NAME stays alive.
wait_http() {
  local name="$1" secs="$2" url="$3"
  _probe() { proc_alive "$name" || die "$name exited (see $state/logs/$name.log)"; curl -sSf -o /dev/null "$url"; }
  local deadline=$(( $(date +%s) + secs ))
  until _probe 2>/dev/null; do
    proc_alive "$name" || die "$name exited (see $state/logs/$name.log)"
    [ "$(date +%s)" -lt "$deadline" ] || die "timed out after ${secs}s waiting for $name at $url"
    sleep 0.2
  done
  log "$name: ready ($url)"
}
