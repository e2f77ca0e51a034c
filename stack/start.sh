#!/usr/bin/env bash
# Starts the local stack (moto + IoT Warden extension, OIDC provider) in the background, waits
# until both answer, seeds the demo fleet and prints the environment to use.
#   stack/start.sh [--large N] [--no-seed] [--seed]
#   --large N  also seed N things fleet-00001… (scale checks)
#   --no-seed  start only
#   --seed     when the stack is already running, seed it again (idempotent)
# Installs nothing: run scripts/install-tools.sh first.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$STACK_DIR/env.sh"

SEED=1 RESEED=0 LARGE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-seed) SEED=0 ;;
    --seed) RESEED=1 ;;
    --large) [ $# -ge 2 ] || die "--large needs a number"; LARGE=$2; RESEED=1; shift ;;
    --large=*) LARGE=${1#--large=}; RESEED=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
[[ "$LARGE" =~ ^[0-9]+$ ]] || die "--large needs a number, got '$LARGE'"
TIMEOUT=${STACK_START_TIMEOUT:-60}

seed() {
  local args=()
  [ "$LARGE" -gt 0 ] && args+=(--large "$LARGE")
  say "seeding (log: $RUN_DIR/seed.log)"
  "$PYTHON" "$STACK_DIR/seed.py" "${args[@]}" 2>&1 | tee "$RUN_DIR/seed.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || die "seeding failed, see $RUN_DIR/seed.log"
}

print_env() {
  cat <<MSG
[stack] ready: moto http://127.0.0.1:$MOTO_PORT  IdP http://127.0.0.1:$IDP_PORT
[stack] use it with:  source stack/env.sh
  AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL AWS_REGION=$AWS_REGION
  AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
  WARDEN_OIDC_ISSUER=$WARDEN_OIDC_ISSUER WARDEN_OIDC_CLIENT_ID=$WARDEN_OIDC_CLIENT_ID
  WARDEN_OIDC_CLIENT_SECRET=$WARDEN_OIDC_CLIENT_SECRET
  users: admin onboarder auditor nobody / password warden-local-pw
[stack] stop with: stack/stop.sh
MSG
}

# Already running?
alive=0 total=0
while read -r name pid port marker; do
  [ -n "${name:-}" ] || continue
  total=$((total + 1))
  if ours "$pid" "$marker" && listening "$port"; then alive=$((alive + 1)); fi
done < <(running_entries)
if [ "$total" -gt 0 ] && [ "$alive" -eq "$total" ]; then
  say "already running (pids in $RUN_DIR/pids)"
  # Ports of the running stack win over the environment's.
  MOTO_PORT=$(awk '$1=="moto"{print $3}' "$PIDS_FILE"); IDP_PORT=$(awk '$1=="idp"{print $3}' "$PIDS_FILE")
  source "$STACK_DIR/env.sh"
  if [ "$RESEED" -eq 1 ]; then seed; else say "not re-seeding (pass --seed to re-seed)"; fi
  print_env
  exit 0
fi
if [ "$total" -gt 0 ]; then
  say "stale or half-running stack found; stopping it first"
  "$STACK_DIR/stop.sh"
fi

# Preconditions (installs are scripts/install-tools.sh's job).
[ -x "$PYTHON" ] && "$PYTHON" -c 'import moto' 2>/dev/null \
  || die ".tools/venv with moto is missing: run scripts/install-tools.sh"
command -v node >/dev/null || die "node is not on PATH"
[ -d "$STACK_DIR/idp/node_modules/oidc-provider" ] \
  || die "stack/idp/node_modules is missing: run scripts/install-tools.sh (or: cd stack/idp && npm ci)"
for port in "$MOTO_PORT" "$IDP_PORT"; do
  if listening "$port"; then die "port $port is already in use by another process (set MOTO_PORT / IDP_PORT)"; fi
done

# A console on another port than the contract's 3000/3001 needs its callback registered too.
if [ -z "${IDP_REDIRECT_URIS:-}" ] && [ "$WARDEN_PORT" != 3000 ] && [ "$WARDEN_PORT" != 3001 ]; then
  export IDP_REDIRECT_URIS="http://127.0.0.1:3000/auth/callback,http://localhost:3000/auth/callback,\
http://127.0.0.1:3001/auth/callback,http://127.0.0.1:$WARDEN_PORT/auth/callback,\
http://localhost:$WARDEN_PORT/auth/callback"
fi

mkdir -p "$RUN_DIR"
: >"$PIDS_FILE"
# setsid: each server leads its own process group, so stop.sh can end it with all children.
setsid "$PYTHON" "$STACK_DIR/emulator/warden_moto.py" --port "$MOTO_PORT" \
  >"$RUN_DIR/moto.log" 2>&1 </dev/null &
echo "moto $! $MOTO_PORT stack/emulator/warden_moto.py" >>"$PIDS_FILE"
(cd "$STACK_DIR/idp" && IDP_PORT="$IDP_PORT" exec setsid node "$STACK_DIR/idp/server.js" \
  >"$RUN_DIR/idp.log" 2>&1 </dev/null) &
echo "idp $! $IDP_PORT stack/idp/server.js" >>"$PIDS_FILE"
say "starting moto on :$MOTO_PORT and the IdP on :$IDP_PORT (logs in $RUN_DIR)"

fail_start() {
  echo "[stack] ERROR: $1" >&2
  for log in moto idp; do
    echo "--- last lines of $RUN_DIR/$log.log ---" >&2
    tail -n 15 "$RUN_DIR/$log.log" >&2 || true
  done
  "$STACK_DIR/stop.sh" >&2 || true
  exit 1
}

deadline=$((SECONDS + TIMEOUT))
while :; do
  moto_ok=0 idp_ok=0
  curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$MOTO_PORT/moto-api/" && moto_ok=1
  curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$IDP_PORT/.well-known/openid-configuration" && idp_ok=1
  [ "$moto_ok$idp_ok" = 11 ] && break
  while read -r name pid port marker; do
    ours "$pid" "$marker" || fail_start "$name exited during start-up"
  done <"$PIDS_FILE"
  [ "$SECONDS" -lt "$deadline" ] \
    || fail_start "not ready after ${TIMEOUT}s (moto answering: $moto_ok, IdP answering: $idp_ok)"
  sleep 0.5
done
say "both answer after ${SECONDS}s"

[ "$SEED" -eq 1 ] && seed
print_env
