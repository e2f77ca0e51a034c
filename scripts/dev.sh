#!/usr/bin/env bash
# Runs the console against the local emulator with the seeded demo fleet:
# installs what is missing, starts the stack, builds, serves on http://127.0.0.1:3000.
# Ctrl-C stops the console and the stack. Options: --release (optimised build), --large N
# (seed N more things for scale checks).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PROFILE=debug
STACK_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --release) PROFILE=release ;;
    --large) STACK_ARGS+=(--large "$2"); shift ;;
    *) echo "usage: scripts/dev.sh [--release] [--large N]" >&2; exit 2 ;;
  esac
  shift
done
export WARDEN_PORT=${WARDEN_PORT:-3000}

"$ROOT/scripts/install-tools.sh"
"$ROOT/stack/start.sh" "${STACK_ARGS[@]}"
source "$ROOT/stack/env.sh"
trap 'stop_console; "$ROOT/stack/stop.sh"' EXIT INT TERM
build_console "$PROFILE"
mkdir -p "$ROOT/.stack"
start_console "$PROFILE" "$ROOT/.stack/console.log"
cat <<MSG

  IoT Warden is running: http://127.0.0.1:$WARDEN_PORT
  Sign in as admin, onboarder, auditor or nobody; password: warden-local-pw (local only).
  Console log: .stack/console.log. Press Ctrl-C to stop the console and the local stack.

MSG
wait "$CONSOLE_PID"
