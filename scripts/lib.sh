# Shared by scripts/dev.sh and scripts/test.sh: tool paths and the console's build and start.
# Sourced, not run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# wasm-opt from npm's binaryen first on PATH (Debian's breaks hydration; see install-tools.sh).
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Leptos reads this at compile time (option_env!) to name the WASM file the page loads:
# cargo-leptos sets it, so every other cargo call (cargo test) must too, or it rebuilds the
# server binary with a name the site does not have and the page never hydrates.
export LEPTOS_OUTPUT_NAME=iot-warden

# Builds the server binary and the WASM site. $1: "debug" or "release".
build_console() {
  local profile=$1
  if [ "$profile" = release ]; then
    (cd "$ROOT" && cargo leptos build --release)
  else
    (cd "$ROOT" && cargo leptos build)
  fi
}

# Starts the console in the background on $WARDEN_PORT, waits until /healthz answers.
# $1: profile, $2: log file. Sets CONSOLE_PID.
start_console() {
  local profile=$1 log=$2
  export LEPTOS_SITE_ROOT="$ROOT/target/site" LEPTOS_SITE_PKG_DIR=pkg
  export WARDEN_LISTEN="127.0.0.1:$WARDEN_PORT" WARDEN_PUBLIC_URL="http://127.0.0.1:$WARDEN_PORT"
  # The local stack is plain http on loopback: the console refuses http without this flag.
  export WARDEN_ALLOW_INSECURE_HTTP=true
  "$ROOT/target/$profile/iot-warden" serve >"$log" 2>&1 &
  CONSOLE_PID=$!
  for _ in $(seq 1 60); do
    if curl -fsS "http://127.0.0.1:$WARDEN_PORT/healthz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$CONSOLE_PID" 2>/dev/null; then
      echo "The console exited at start; its log:" >&2; tail -20 "$log" >&2; return 1
    fi
    sleep 0.5
  done
  echo "The console did not answer on port $WARDEN_PORT within 30 s; its log:" >&2
  tail -20 "$log" >&2
  return 1
}

stop_console() {
  if [ -n "${CONSOLE_PID:-}" ] && kill -0 "$CONSOLE_PID" 2>/dev/null; then
    kill "$CONSOLE_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$CONSOLE_PID" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$CONSOLE_PID" 2>/dev/null || true
  fi
}
