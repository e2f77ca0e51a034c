#!/usr/bin/env bash
# Stops the local stack started by stack/start.sh: ends each server's whole process group,
# waits for it, then checks that nothing is left listening on the stack's ports. Safe to
# run when nothing is running.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$STACK_DIR/env.sh"

ports=("$MOTO_PORT" "$IDP_PORT")
if [ ! -s "$PIDS_FILE" ]; then
  say "not running (no $RUN_DIR/pids)"
else
  ports=()
  while read -r name pid port marker; do
    [ -n "${name:-}" ] || continue
    ports+=("$port")
    # The recorded pid leads its own process group (setsid in start.sh); act only when that
    # group still holds our server (a reused pid belongs to someone else).
    if group_is_ours "$pid" "$marker"; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 1 50); do
        group_alive "$pid" || break
        sleep 0.2
      done
      if group_alive "$pid"; then
        say "$name (group $pid) ignored SIGTERM for 10s; sending SIGKILL"
        kill -KILL -- "-$pid" 2>/dev/null
        sleep 0.5
      fi
      say "stopped $name (pid $pid)"
    else
      say "$name (pid $pid) was not running"
    fi
  done <"$PIDS_FILE"
  rm -f "$PIDS_FILE"
fi

status=0
for port in "${ports[@]}"; do
  if listening "$port"; then
    echo "[stack] WARNING: something still listens on 127.0.0.1:$port (not started by stack/start.sh?)" >&2
    status=1
  fi
done
exit $status
