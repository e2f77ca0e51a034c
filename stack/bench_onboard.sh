#!/usr/bin/env bash
# Times the console's bulk onboarding against "the recipe" (the bash loop this project grew
# from: four AWS CLI calls per device, one at a time) and against the console's own per-device
# calls made one device at a time with boto3 in one Python process (no process start-up cost).
#
#   stack/bench_onboard.sh [--devices N] [--recipe-devices K] [--policy NAME] [--rate API=N]...
#                          [--skip-console] [--work-dir DIR] [-- CONSOLE_ARGS...]
#
#   --devices N         devices for the console run (default 1000)
#   --recipe-devices K  devices for the recipe and the boto3 baseline (default 50; the recipe
#                       takes seconds per device, its rate is reported as measured on K)
#   --policy NAME       policy attached to every certificate (default RestrictiveSensorPolicy,
#                       the one stack/seed.py creates)
#   --rate API=N (repeatable) and everything after --: passed to `iot-warden onboard`
#   --skip-console      only the CSV, the recipe and the boto3 baseline
#   --work-dir DIR      where the CSV, result CSV, recipe keys and logs go
#                       (default /tmp/iot-warden-bench-<epoch>; kept afterwards)
#
# Console binary: $WARDEN_BIN (default target/release/iot-warden), run as
#   iot-warden onboard --csv FILE --out RESULT.csv [passed-through args]
# Needs the local stack: uses a running one (stack/env.sh, MOTO_PORT), else starts it with
# stack/start.sh and stops it at the end. The AWS CLI: `aws` on PATH, else awscli 1.45.11 in
# .tools/awscli-venv (installed on first use; a venv of its own because awscli pins an older
# botocore than the stack's boto3 needs). Things made by a run stay in the emulator (names
# bench-<epoch>-…; a stack restart clears them).
set -euo pipefail

STACK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$STACK_DIR")
PYTHON="$ROOT/.tools/venv/bin/python"
HELPER="$STACK_DIR/bench_onboard.py"
AWSCLI_VERSION=1.45.11
AWSCLI_VENV="$ROOT/.tools/awscli-venv"

DEVICES=1000 RECIPE_DEVICES=50 POLICY=RestrictiveSensorPolicy SKIP_CONSOLE=0 WORK_DIR=""
CONSOLE_ARGS=()

say() { echo "[bench] $*" >&2; }
die() { echo "[bench] ERROR: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
need_value() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value (see --help)"; }

while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --devices) need_value "$@"; DEVICES=$2; shift ;;
    --devices=*) DEVICES=${1#*=} ;;
    --recipe-devices) need_value "$@"; RECIPE_DEVICES=$2; shift ;;
    --recipe-devices=*) RECIPE_DEVICES=${1#*=} ;;
    --policy) need_value "$@"; POLICY=$2; shift ;;
    --policy=*) POLICY=${1#*=} ;;
    --rate) need_value "$@"; CONSOLE_ARGS+=("$1" "$2"); shift ;;
    --rate=*) CONSOLE_ARGS+=("$1") ;;
    --skip-console) SKIP_CONSOLE=1 ;;
    --work-dir) need_value "$@"; WORK_DIR=$2; shift ;;
    --work-dir=*) WORK_DIR=${1#*=} ;;
    --) shift; CONSOLE_ARGS+=("$@"); break ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
[[ "$DEVICES" =~ ^[1-9][0-9]*$ ]] || die "--devices needs a positive number, got '$DEVICES'"
[[ "$RECIPE_DEVICES" =~ ^[1-9][0-9]*$ ]] || die "--recipe-devices needs a positive number, got '$RECIPE_DEVICES'"
[ -x "$PYTHON" ] || die ".tools/venv is missing: run scripts/install-tools.sh"

WARDEN_BIN=${WARDEN_BIN:-$ROOT/target/release/iot-warden}
if [ "$SKIP_CONSOLE" -eq 0 ] && [ ! -x "$WARDEN_BIN" ]; then
  die "console binary $WARDEN_BIN not found (cargo build --release, set WARDEN_BIN, or pass --skip-console)"
fi

# --- the stack ------------------------------------------------------------------------------
# shellcheck source=stack/env.sh
source "$STACK_DIR/env.sh"
STARTED_STACK=0
finish() {
  local status=$?
  if [ "$STARTED_STACK" -eq 1 ]; then
    say "stopping the stack this script started"
    "$STACK_DIR/stop.sh" >&2 || true
  fi
  exit "$status"
}
trap finish EXIT
if ! curl -sf -o /dev/null --max-time 3 "$AWS_ENDPOINT_URL/moto-api/"; then
  say "no emulator at $AWS_ENDPOINT_URL: starting the stack"
  "$STACK_DIR/start.sh" >&2
  STARTED_STACK=1
fi
"$PYTHON" "$HELPER" check-policy "$POLICY"

# --- the AWS CLI for the recipe -------------------------------------------------------------
if command -v aws >/dev/null 2>&1; then
  AWS=$(command -v aws)
elif [ -x "$AWSCLI_VENV/bin/aws" ]; then
  AWS="$AWSCLI_VENV/bin/aws"
else
  say "aws CLI not found: installing awscli==$AWSCLI_VERSION into $AWSCLI_VENV"
  "$PYTHON" -m venv "$AWSCLI_VENV" >&2
  "$AWSCLI_VENV/bin/pip" install --quiet "awscli==$AWSCLI_VERSION" >&2
  AWS="$AWSCLI_VENV/bin/aws"
fi
export AWS_PAGER=""
say "AWS CLI: $AWS ($("$AWS" --version 2>&1))"

# --- work files -----------------------------------------------------------------------------
EPOCH=$(date +%s)
PREFIX="bench-$EPOCH"
WORK_DIR=${WORK_DIR:-/tmp/iot-warden-bench-$EPOCH}
mkdir -p "$WORK_DIR"
WORK_DIR=$(cd "$WORK_DIR" && pwd)
CSV="$WORK_DIR/devices.csv"
RESULT="$WORK_DIR/result.csv"
TIMINGS="$WORK_DIR/timings.tsv"
: >"$TIMINGS"
say "work dir $WORK_DIR, thing names $PREFIX-…"

# seconds since $1 (an $EPOCHREALTIME), three decimals
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }

# (a) the console's CSV ------------------------------------------------------------------------
say "(a) CSV for $DEVICES devices: $CSV"
"$PYTHON" "$HELPER" csv "$CSV" --prefix "$PREFIX" --count "$DEVICES" --policy "$POLICY"

# (b) the recipe: four AWS CLI calls per device, one after the other ----------------------------
say "(b) the recipe on $RECIPE_DEVICES devices (log: $WORK_DIR/recipe.log)"
cd "$WORK_DIR"
started=$EPOCHREALTIME
for n in $(seq 1 "$RECIPE_DEVICES"); do
  X=$(printf '%s-recipe-%03d' "$PREFIX" "$n")
  mkdir -p "keys/$X"
  "$AWS" iot create-thing --thing-name "$X" >>recipe.log
  ARN=$("$AWS" iot create-keys-and-certificate --set-as-active \
    --certificate-pem-outfile "keys/$X/cert.pem" \
    --public-key-outfile "keys/$X/public.key" \
    --private-key-outfile "keys/$X/private.key" \
    --query certificateArn --output text)
  "$AWS" iot attach-policy --policy-name "$POLICY" --target "$ARN" >>recipe.log
  "$AWS" iot attach-thing-principal --thing-name "$X" --principal "$ARN" >>recipe.log
done
printf 'recipe (AWS CLI loop)\t%s\t%s\n' "$RECIPE_DEVICES" "$(elapsed "$started")" >>"$TIMINGS"
cd "$ROOT"
"$PYTHON" "$HELPER" verify-recipe --prefix "$PREFIX-recipe" --count "$RECIPE_DEVICES" --policy "$POLICY"

# (c) the console's calls, one device at a time, boto3 in one process ---------------------------
say "(c) boto3 sequential (the console's four calls per device) on $RECIPE_DEVICES devices"
seconds=$("$PYTHON" "$HELPER" sequential --prefix "$PREFIX-boto3" --count "$RECIPE_DEVICES" --policy "$POLICY")
printf 'boto3 sequential\t%s\t%s\n' "$RECIPE_DEVICES" "$seconds" >>"$TIMINGS"

# (d) the console ------------------------------------------------------------------------------
if [ "$SKIP_CONSOLE" -eq 0 ]; then
  say "(d) console: $WARDEN_BIN onboard --csv $CSV --out $RESULT ${CONSOLE_ARGS[*]:-} (progress: $WORK_DIR/console.log)"
  started=$EPOCHREALTIME
  status=0
  "$WARDEN_BIN" onboard --csv "$CSV" --out "$RESULT" "${CONSOLE_ARGS[@]}" 2>"$WORK_DIR/console.log" || status=$?
  seconds=$(elapsed "$started")
  if [ "$status" -ne 0 ]; then
    tail -n 20 "$WORK_DIR/console.log" >&2
    die "the console exited with $status after ${seconds}s (log: $WORK_DIR/console.log)"
  fi
  printf 'console (iot-warden onboard)\t%s\t%s\n' "$DEVICES" "$seconds" >>"$TIMINGS"
  "$PYTHON" "$HELPER" verify-console --csv "$CSV" --result "$RESULT" --policy "$POLICY" --sample 20
else
  say "(d) console skipped (--skip-console)"
fi

# (e) the table ------------------------------------------------------------------------------------
"$PYTHON" "$HELPER" report --timings "$TIMINGS"
