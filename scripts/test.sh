#!/usr/bin/env bash
# Runs every test: unit and integration tests (cargo), the emulator extension's tests
# (pytest), and the end-to-end tests in Chromium (Playwright), against a local stack started
# on ports of its own so a running dev stack is left alone.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
export MOTO_PORT=${TEST_MOTO_PORT:-5155} IDP_PORT=${TEST_IDP_PORT:-9500} WARDEN_PORT=${TEST_WARDEN_PORT:-3100}
export STACK_STATE_DIR="$ROOT/.stack-test"
export IDP_REDIRECT_URIS="http://127.0.0.1:$WARDEN_PORT/auth/callback"
# Every end-to-end test signs in from 127.0.0.1: the per-address sign-in limit (20 a minute by
# default) would refuse the suite itself. Its own test sets a low one.
export WARDEN_SIGN_IN_PER_MINUTE=${WARDEN_SIGN_IN_PER_MINUTE:-600}
# Likewise every end-to-end test works as the same few users: their request budgets (600
# calls a minute by default) would hold back the suite. Its own test sets a low one.
export WARDEN_API_PER_MINUTE=${WARDEN_API_PER_MINUTE:-100000}
LOGS="$ROOT/target/test-logs"
mkdir -p "$LOGS"

"$ROOT/scripts/install-tools.sh" || { echo "tool installation failed" >&2; exit 1; }

cleanup() { stop_console; "$ROOT/stack/stop.sh" >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

"$ROOT/stack/start.sh" || { echo "the local stack did not start" >&2; exit 1; }
source "$ROOT/stack/env.sh"

PASSED=0 FAILED=0 STATUS=0
count() { # $1: log, $2: runner — adds the runner's own totals to ours
  local p f
  case $2 in
    cargo) p=$(grep -Eo '[0-9]+ passed' "$1" | awk '{s+=$1} END {print s+0}')
           f=$(grep -Eo '[0-9]+ failed' "$1" | awk '{s+=$1} END {print s+0}') ;;
    *)     p=$(grep -Eo '[0-9]+ passed' "$1" | tail -1 | awk '{print $1+0}')
           f=$(grep -Eo '[0-9]+ failed' "$1" | tail -1 | awk '{print $1+0}') ;;
  esac
  PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0}))
}

echo "== build (server + WASM)"
build_console debug || { echo "build failed" >&2; exit 1; }

echo "== cargo test (unit + integration against the emulator)"
cargo test --features ssr --no-fail-fast 2>&1 | tee "$LOGS/cargo.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || STATUS=1
count "$LOGS/cargo.log" cargo

# Steps whose tools report no per-test totals count as one test each.
step() { # $1: name, $2: log, rest: command
  local name=$1 log=$2; shift 2
  if "$@" >"$log" 2>&1; then PASSED=$((PASSED + 1)); echo "$name: ok"
  else FAILED=$((FAILED + 1)); STATUS=1; echo "$name: FAILED; the end of $log:"; tail -30 "$log"; fi
}

echo "== benchmarks, run once each as tests (criterion's test mode)"
step "benchmarks" "$LOGS/benches.log" cargo test --features ssr --benches

echo "== fuzzing the policy parser for ${FUZZ_SECONDS:=60} s"
step "fuzz" "$LOGS/fuzz.log" env FUZZ_SECONDS="$FUZZ_SECONDS" "$ROOT/scripts/fuzz.sh"

echo "== emulator extension tests (pytest)"
"$ROOT/.tools/venv/bin/python" -m pytest -q stack/tests 2>&1 | tee "$LOGS/pytest.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || STATUS=1
count "$LOGS/pytest.log" pytest

echo "== end-to-end (Playwright, Chromium)"
if start_console debug "$LOGS/console.log"; then
  (cd end2end && WARDEN_URL="http://127.0.0.1:$WARDEN_PORT" IDP_URL="$WARDEN_OIDC_ISSUER" npx playwright test) 2>&1 | tee "$LOGS/e2e.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || STATUS=1
  count "$LOGS/e2e.log" playwright
else
  STATUS=1
fi

echo
echo "all: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] || STATUS=1
exit $STATUS
