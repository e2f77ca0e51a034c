#!/usr/bin/env bash
# Installs every tool IoT Warden's build, local stack and tests need, each only when the right
# version is missing, so running it again is cheap. Recipes and their reasons:
# ../shared/toolchain.md (cargo-leptos and wasm-bindgen-cli need lockfile pins here; Debian's
# wasm-opt breaks hydration, so wasm-opt comes from npm's binaryen).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TOOLS="$ROOT/.tools"
CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in Cargo.toml
BINARYEN_VERSION=132.0.0
MOTO_VERSION=5.2.5
mkdir -p "$TOOLS"
log() { echo "[install-tools] $*"; }

rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown

# Builds a crate from its registry source with one dependency pinned back (the published
# lockfiles want versions this registry lacks or this rustc cannot build).
install_pinned() { # crate version pin-crate pin-version [extra cargo install args]
  local crate=$1 version=$2 pin=$3 pin_version=$4; shift 4
  local src="$TOOLS/src/$crate-$version"
  if [ ! -d "$src" ]; then
    mkdir -p "$TOOLS/src"
    local tarball="$TOOLS/src/$crate-$version.crate"
    curl -sSfL "https://static.crates.io/crates/$crate/$crate-$version.crate" -o "$tarball" \
      || { log "could not download $crate $version"; exit 1; }
    tar -xzf "$tarball" -C "$TOOLS/src"
  fi
  (cd "$src" && cargo update -p "$pin" --precise "$pin_version" && cargo install --path . --locked "$@")
}

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes on 2 cores)"
  install_pinned cargo-leptos "$CARGO_LEPTOS_VERSION" cargo-util-schemas 0.14.1 --features no_downloads
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  install_pinned wasm-bindgen-cli "$WASM_BINDGEN_VERSION" webpki-roots 1.0.10
fi

# wasm-opt for release builds, from npm (see toolchain.md); put first on PATH by scripts/env.sh.
if ! "$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "${BINARYEN_VERSION%%.*}"; then
  log "installing binaryen $BINARYEN_VERSION"
  (cd "$TOOLS" && [ -f package.json ] || echo '{"private":true}' > "$TOOLS/package.json"
   cd "$TOOLS" && npm install --no-audit --no-fund "binaryen@$BINARYEN_VERSION")
fi

# What follows is for the local stack and the tests only; the Docker build skips it.
if [ -n "${SKIP_TEST_TOOLS:-}" ]; then log "build tools present"; exit 0; fi

# Debian's Chromium for the end-to-end tests (Playwright cannot download its own browser here).
if ! command -v chromium >/dev/null; then
  log "installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

# The AWS emulator, in a venv of its own so the pin never fights the system's Python packages.
PYTEST_VERSION=9.2.0
if ! "$TOOLS/venv/bin/python" -c "import moto,pytest,sys; sys.exit(moto.__version__!='$MOTO_VERSION' or pytest.__version__!='$PYTEST_VERSION')" 2>/dev/null; then
  log "installing moto $MOTO_VERSION and pytest $PYTEST_VERSION"
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" "pytest==$PYTEST_VERSION"
fi

# cargo-fuzz for scripts/fuzz.sh (the policy parser's fuzz target).
CARGO_FUZZ_VERSION=0.13.2
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

# Playwright, pinned by end2end/package-lock.json.
if [ -f end2end/package.json ]; then
  if [ ! -d end2end/node_modules ] || [ end2end/package-lock.json -nt end2end/node_modules/.installed ]; then
    log "installing end2end node packages"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund && touch node_modules/.installed)
  fi
fi
# The local IdP (stack/idp), pinned by stack/idp/package-lock.json.
if [ -f stack/idp/package.json ]; then
  if [ ! -d stack/idp/node_modules ] || [ stack/idp/package-lock.json -nt stack/idp/node_modules/.installed ]; then
    log "installing stack/idp node packages"
    (cd stack/idp && npm ci --no-audit --no-fund && touch node_modules/.installed)
  fi
fi
log "all tools present"
