# shellcheck shell=bash
# Common helpers for the build and dev-stack scripts. Source it; do not run it.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE_DIR=${LAMBDA_APPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lambda-apps}
export ROOT CACHE_DIR

_T0=${_T0:-$(date +%s.%N)}
log()  { printf '[%s %6.1fs] %s\n' "${LOG_TAG:-stack}" "$(awk -v a="$_T0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" "$*" >&2; }
die()  { log "ERROR: $*"; exit 1; }

# alive PIDFILE: the PID file names a live, non-zombie process.
alive() { local p st; [[ -f $1 ]] && p=$(cat "$1") && [[ -n $p ]] && st=$(ps -o stat= -p "$p" 2>/dev/null) && [[ $st != Z* ]]; }

# wait_http URL [SECONDS]: wait until URL answers any HTTP status.
wait_http() {
  local url=$1 secs=${2:-30} i
  for ((i = 0; i < secs * 10; i++)); do
    curl -s -o /dev/null -m 2 "$url" && return 0
    sleep 0.1
  done
  return 1
}

# port_free PORT: nothing listens on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# stop_pidfile PIDFILE NAME: stop the process named by PIDFILE (SIGTERM, then SIGKILL after 30s),
# then whatever is left of the process group it leads (e.g. plugin processes of a killed
# server), and remove the file. Touches nothing else.
stop_pidfile() {
  local f=$1 name=$2 pid i leader=0
  [[ -f $f ]] || return 0
  pid=$(cat "$f")
  if alive "$f"; then
    [[ $(ps -o pgid= -p "$pid" | tr -d ' ') == "$pid" ]] && leader=1
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do alive "$f" || break; sleep 0.1; done
    if alive "$f"; then
      log "$name still alive after 30s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  if ((leader)) && pgrep -g "$pid" >/dev/null 2>&1; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    sleep 0.5
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

need_root() { [[ $(id -u) == 0 ]] || die "run as root (PostgreSQL setup uses runuser and apt-get)"; }

# apt_install PKG...: install Debian packages that are missing.
apt_install() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
