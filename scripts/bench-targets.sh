#!/usr/bin/env bash
# Whole-process benchmark of `detente analyze` on the performance targets
# (docs/PERFORMANCE.md), plus a scaling series.
#
# Usage: scripts/bench-targets.sh [--quick] [--no-series] [--no-targets] [--no-moves] [--no-build] [--runs N]
#
#   --quick      skip the ~16M-state target (over a GiB, one to two minutes)
#   --no-series  skip the scaling series
#   --no-targets skip the three targets (series only)
#   --no-moves   skip the engine-side columns (moves, floor, compile, analyze):
#                they come from one in-process run of the helper
#                `cargo bench -p detente-engine --bench shape_stats`
#   --no-build   use the existing target/release/detente as is
#   --runs N     time each model N times and keep the fastest run (default 3;
#                models over 4M states are run once)
#
# Models are generated with fixed seeds into target/bench-models/. Each is
# timed as a whole process:
#   detente analyze MODEL --format json --concepts nash,gmr,smr,seq > /dev/null
# with /usr/bin/time -f "%e %M" (wall seconds, peak RSS in KiB).
# Output: Markdown tables on standard output, progress on standard error.
# Columns: "whole process" and "peak RSS" are the CLI measurement; "floor" is
# Conflict::move_count (every DM's moves enumerated once), "compile" is
# Conflict::compile and "analyze" is Analysis::run on the same concepts, all
# three timed inside the shape_stats helper (one run each). "ns per move x
# (DMs-1)" is analyze / (moves x (DMs - 1)): GMR, SMR and SEQ each scan, for
# every DM, the moves of all the others, so a constant figure means time linear
# in that work.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

QUICK=0 SERIES=1 TARGETS=1 MOVES=1 BUILD=1 RUNS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --no-series) SERIES=0 ;;
    --no-targets) TARGETS=0 ;;
    --no-moves) MOVES=0 ;;
    --no-build) BUILD=0 ;;
    --runs) RUNS=$2; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "bench-targets.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET_DIR/release/detente
MODELS=$ROOT/target/bench-models
mkdir -p "$MODELS"

if [ ! -x /usr/bin/time ]; then
  echo "bench-targets.sh: /usr/bin/time is missing (apt-get install time)" >&2
  exit 2
fi
if [ "$BUILD" = 1 ]; then
  echo "building the release binary..." >&2
  cargo build --release --locked -p detente-cli >&2
fi
if [ ! -x "$BIN" ]; then
  echo "bench-targets.sh: no binary at $BIN (run without --no-build)" >&2
  exit 2
fi
if [ "$MOVES" = 1 ]; then
  echo "building the shape_stats helper..." >&2
  cargo bench --locked -p detente-engine --bench shape_stats --no-run >&2
fi

CONCEPTS=nash,gmr,smr,seq

# generate NAME GENERATE-FLAGS...: writes target/bench-models/NAME.toml
# (always anew: generating is instant, and the file then matches this build).
generate() {
  local name=$1; shift
  "$BIN" generate "$@" -o "$MODELS/$name.toml" > /dev/null
}

states_of() {
  "$BIN" check "$1" | awk '/feasible states:/ { print $3 }'
}

# shape_stats GENERATE-FLAGS...: engine-side figures from one in-process run of
# the shape_stats helper: MOVES_N (Conflict::move_count), FLOOR_S (its time),
# COMPILE_S (Conflict::compile) and ANALYZE_S (Analysis::run on $CONCEPTS).
shape_stats() {
  MOVES_N=- FLOOR_S=- COMPILE_S=- ANALYZE_S=-
  [ "$MOVES" = 1 ] || return 0
  local line
  line=$(cargo bench --locked -q -p detente-engine --bench shape_stats -- "$@" --analyze "$CONCEPTS" 2>/dev/null | tail -1)
  MOVES_N=$(field moves "$line")
  FLOOR_S=$(field move_count_s "$line")
  COMPILE_S=$(field compile_s "$line")
  ANALYZE_S=$(field analyze_s "$line")
}

# field KEY LINE: the value of KEY=value in LINE, or "-".
field() {
  local v
  v=$(tr ' ' '\n' <<< "$2" | sed -n "s/^$1=//p")
  echo "${v:--}"
}

# measure FILE RUNS: sets TIME_S (fastest run, in seconds with millisecond
# resolution from bash's EPOCHREALTIME around the timed command; /usr/bin/time's
# own %e has only 10 ms resolution) and RSS_KIB (largest peak RSS, from %M).
measure() {
  local file=$1 runs=$2 out i start end t e m
  out=$(mktemp)
  TIME_S= RSS_KIB=0
  for ((i = 0; i < runs; i++)); do
    start=$EPOCHREALTIME
    /usr/bin/time -f "%e %M" -o "$out" \
      "$BIN" analyze "$file" --format json --concepts "$CONCEPTS" > /dev/null
    end=$EPOCHREALTIME
    read -r e m < <(tail -1 "$out")
    t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    if [ -z "$TIME_S" ] || awk -v a="$t" -v b="$TIME_S" 'BEGIN { exit !(a < b) }'; then
      TIME_S=$t
    fi
    if [ "$m" -gt "$RSS_KIB" ]; then RSS_KIB=$m; fi
  done
  rm -f "$out"
}

mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
group() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<< "$1"; }

# row LABEL SHAPE-TEXT TARGET GENERATE-FLAGS...
row() {
  local label=$1 shape=$2 target=$3; shift 3
  local name
  name=$(tr -c 'a-zA-Z0-9\n' '-' <<< "$label")
  echo "  $label: generating..." >&2
  generate "$name" "$@"
  local file=$MODELS/$name.toml states runs=$RUNS
  states=$(states_of "$file")
  if [ "$states" -gt 4000000 ]; then runs=1; fi
  echo "  $label: $states states; timing ($runs run(s))..." >&2
  measure "$file" "$runs"
  echo "  $label: ${TIME_S}s, $(mib "$RSS_KIB") MiB; counting moves..." >&2
  shape_stats "$@"
  local moves=$MOVES_N per_scan=- dms
  dms=$(flag --dms "$@")
  if [ "$moves" != - ] && [ "$ANALYZE_S" != - ] && [ "$dms" -gt 1 ]; then
    per_scan=$(awk -v t="$ANALYZE_S" -v m="$moves" -v n="$dms" 'BEGIN { printf "%.1f", t * 1e9 / (m * (n - 1)) }')
  fi
  [ "$moves" = - ] || moves=$(group "$moves")
  echo "| $label | $shape | $(group "$states") | $moves | $FLOOR_S | $COMPILE_S | $ANALYZE_S | $per_scan | $TIME_S | $(mib "$RSS_KIB") | $target |"
}

# flag NAME FLAGS...: the value following NAME in FLAGS.
flag() {
  local name=$1; shift
  while [ $# -gt 1 ]; do
    if [ "$1" = "$name" ]; then echo "$2"; return; fi
    shift
  done
  echo 0
}

header() {
  echo "| model | shape | states | moves | floor (s) | compile (s) | analyze (s) | ns per move x (DMs-1) | whole process (s) | peak RSS (MiB) | target |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
}

echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$([ -z "$(git status --porcelain -- 'crates/*/src' 2>/dev/null)" ] || echo ' + uncommitted changes in crates/*/src'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start."
echo

if [ "$TARGETS" = 1 ]; then
  echo "## Targets ($CONCEPTS, all DMs, whole process)"
  echo
  header
  row "a: 4,096 states" "4 DMs x 3 options, 20% irreversible" "< 0.02 s, < 50 MiB" \
    --dms 4 --options-per-dm 3 --rules 0 --irreversible 20 --statements 6 --seed 1
  row "b: ~1M states" "4 DMs x 5 options, 4 rules of width 4, 20% irreversible" "< 3 s, < 2048 MiB" \
    --dms 4 --options-per-dm 5 --rules 4 --rule-width 4 --irreversible 20 --statements 6 --seed 2
  if [ "$QUICK" = 0 ]; then
    row "c: ~16M states" "6 DMs x 4 options, 2 rules of width 6, 20% irreversible" "< 60 s, < 12288 MiB" \
      --dms 6 --options-per-dm 4 --rules 2 --rule-width 6 --irreversible 20 --statements 6 --seed 3
  fi
  echo
fi

if [ "$SERIES" = 1 ]; then
  echo "## Scaling series (DMs x 2 options, 2 rules of width 4, 20% irreversible)"
  echo
  header
  for dms in 7 8 9 10 11; do
    row "2^$((2 * dms))" "$dms DMs x 2 options" "" \
      --dms "$dms" --options-per-dm 2 --rules 2 --rule-width 4 --irreversible 20 --statements 6 --seed "$((100 + dms))"
  done
fi
