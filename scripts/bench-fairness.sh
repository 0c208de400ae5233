#!/usr/bin/env bash
# Small-request latency under load (docs/PERFORMANCE.md, "Fair under load"): starts
# the release workbench on a free port of 127.0.0.1, launches twenty analyses of
# models of 2^20 = 1,048,576 states at once, and while they run times a few hundred
# small requests (a 4-state /api/check, a page of the NRC tableau), printing their
# p50, p95, p99 and slowest as a Markdown table.
#
# Usage: scripts/bench-fairness.sh [--no-build] [-- ARGS]
#
#   --no-build  use the existing release binaries as they are
#   ARGS        passed to the client: --heavy N (20), --small N (300), --every MS (20,
#               the pause between two small requests)
#
# The client is crates/detente-web/examples/bench_fairness.rs (std's TcpStream, one
# connection per request). The machine's load (uptime) is printed before and after.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
client_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --) shift; client_args=("$@"); break ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

target="${CARGO_TARGET_DIR:-target}"
if [ "$build" = 1 ]; then
  cargo build --release --locked -p detente-cli >&2
  cargo build --release --locked -p detente-web --example bench_fairness >&2
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$target/release/detente" serve --port "$port" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done

echo "commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
echo "before: $(uptime)"
"$target/release/examples/bench_fairness" "http://127.0.0.1:$port" "${client_args[@]}"
echo "after: $(uptime)"
