#!/usr/bin/env bash
# Fuzzes the policy parser (and, for the documents it accepts, the evaluator, the compiled
# PolicySet and the impact preview) for a bounded time: FUZZ_SECONDS, 60 by default.
# Starts from the committed seeds in fuzz/corpus/parse_policy/, grows a throwaway copy of
# them (so the repository keeps only the seeds), and exits non-zero on a crash, whose input
# libFuzzer leaves in fuzz/artifacts/parse_policy/.
# Needs cargo-fuzz (scripts/install-tools.sh). cargo-fuzz builds with nightly-only flags
# (sanitizers); RUSTC_BOOTSTRAP=1 lets a stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

seconds=${FUZZ_SECONDS:-60}
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp fuzz/corpus/parse_policy/* "$corpus"/

cd fuzz
# -max_len: a policy may hold 2048 characters besides whitespace, so allow twice that.
RUSTC_BOOTSTRAP=1 cargo fuzz run parse_policy "$corpus" -- \
  -max_total_time="$seconds" -max_len=4096 -print_final_stats=1
