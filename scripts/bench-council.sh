#!/usr/bin/env bash
# The council under load (docs/PERFORMANCE.md, "The council under load"): 100 delegates
# at once answering and reading for 30 s against a release build, on SQLite, and on
# PostgreSQL too when DETENTE_BENCH_POSTGRES names a database URL. Prints p50/p95/p99.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${CLIENTS:-100}
DURATION=${DURATION:-30}
echo "commit $(git rev-parse --short HEAD); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
cargo run --quiet --release -p detente-council --example load -- --clients "$CLIENTS" --seconds "$DURATION"
if [ -n "${DETENTE_BENCH_POSTGRES:-}" ]; then
  cargo run --quiet --release -p detente-council --example load -- --clients "$CLIENTS" --seconds "$DURATION" \
    --database "$DETENTE_BENCH_POSTGRES"
fi
