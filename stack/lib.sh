# shellcheck shell=bash
# Shared by start.sh and stop.sh (not meant to be run).
STACK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$STACK_DIR")
RUN_DIR="${STACK_STATE_DIR:-$ROOT/.stack}"
PIDS_FILE="$RUN_DIR/pids"
PYTHON="$ROOT/.tools/venv/bin/python"

say() { echo "[stack] $*"; }
die() { echo "[stack] ERROR: $*" >&2; exit 1; }

# True when something accepts TCP connections on 127.0.0.1:$1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True when pid $1 is alive and its command line contains $2 (guards against pid reuse).
ours() {
  [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"
}

# True when process group $1 contains a process whose command line contains $2.
group_is_ours() {
  local member
  for member in $(pgrep -g "$1" 2>/dev/null); do
    ours "$member" "$2" && return 0
  done
  return 1
}

# True while process group $1 has a member that is not a zombie (PID 1 here reaps late, so a
# dead server can linger as a zombie for seconds).
group_alive() {
  local member state
  for member in $(pgrep -g "$1" 2>/dev/null); do
    state=$(sed 's/.*) //' "/proc/$member/stat" 2>/dev/null | cut -d' ' -f1) || continue
    [ -n "$state" ] && [ "$state" != Z ] && return 0
  done
  return 1
}

# Lines of $PIDS_FILE: <name> <pid> <port> <command-marker>
running_entries() { [ -f "$PIDS_FILE" ] && cat "$PIDS_FILE" || true; }
