#!/usr/bin/env bash
# Page latency while a pilot runs (issue 13): p50 and p95 of sequential
# GET /scoreboard requests, first with no pilot running, then during a
# 5000-case practice pilot of the competent appeals agent, with the pilot's
# threads at nice 0 and at nice 10 (`[workers] nice`, the default). Prints
# the ratios of one run; absolute times depend on the machine and build.
#
#   portal/bench/latency_under_pilot.sh
#   GOVLAB=target/release/govlab REQUESTS=300 portal/bench/latency_under_pilot.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GOVLAB=${GOVLAB:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/govlab}
AGENT=${AGENT_WASM:-$ROOT/scenarios/agents/target/wasm32-wasip2/release/appeals_competent.wasm}
REQUESTS=${REQUESTS:-200}
CASES=${CASES:-5000}
[ -x "$GOVLAB" ] || { echo "no $GOVLAB: cargo build --bin govlab" >&2; exit 2; }
[ -f "$AGENT" ] || {
  echo "no $AGENT: cargo build --manifest-path scenarios/agents/Cargo.toml --target wasm32-wasip2 --release -p appeals_competent --target-dir scenarios/agents/target" >&2
  exit 2
}

# p50 and p95 in milliseconds of $REQUESTS sequential GETs of $1.
measure() {
  for _ in $(seq "$REQUESTS"); do
    curl -s -o /dev/null -w '%{time_total}\n' "$1"
  done | sort -n | awk '{t[NR] = $1} END {printf "%.1f %.1f\n", 1000 * t[int(NR * 0.5)], 1000 * t[int(NR * 0.95)]}'
}

# One portal at pilot priority $1: idle and busy latency.
run() {
  local nice=$1 data port url server token version pilot idle busy
  data=$(mktemp -d)
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  url="http://127.0.0.1:$port"
  printf 'public_scoreboard = true\n[workers]\nnice = %s\n' "$nice" >"$data/portal.toml"
  "$GOVLAB" serve --addr "127.0.0.1:$port" --data-dir "$data" --config "$data/portal.toml" >"$data/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -fsS "$url/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  token=$("$GOVLAB" tokens create --role startup --team bench --data-dir "$data" 2>/dev/null)
  version=$("$GOVLAB" submit "$AGENT" --portal "$url" --name bench --scenario appeals-triage --token "$token" |
    sed -n 's/.*(version id \([0-9a-f]*\)).*/\1/p')
  idle=$(measure "$url/scoreboard?scenario=appeals-triage&split=practice")
  pilot=$(curl -fsS -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"version_id\":\"$version\",\"split\":\"practice\",\"cases\":$CASES}" "$url/api/pilots" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  # Wait until the pilot is running, then measure while it runs.
  for _ in $(seq 100); do
    curl -fsS -H "Authorization: Bearer $token" "$url/api/pilots/$pilot" | grep -q '"running"' && break
    sleep 0.1
  done
  busy=$(measure "$url/scoreboard?scenario=appeals-triage&split=practice")
  local status
  status=$(curl -fsS -H "Authorization: Bearer $token" "$url/api/pilots/$pilot" |
    python3 -c 'import json, sys; p = json.load(sys.stdin); print(p["status"], p.get("cases_done"), "/", p.get("cases_total"))')
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
  echo "$nice $idle $busy $status"
}

echo "pilot nice | idle p50 p95 (ms) | during a pilot p50 p95 (ms) | p50 ratio | p95 ratio | pilot when measured"
for nice in 0 10; do
  read -r n ip50 ip95 bp50 bp95 state <<<"$(run "$nice")"
  awk -v n="$n" -v a="$ip50" -v b="$ip95" -v c="$bp50" -v d="$bp95" -v s="$state" \
    'BEGIN {printf "%10s | %7.1f %7.1f | %11.1f %7.1f | %9.2f | %9.2f | %s\n", n, a, b, c, d, c / a, d / b, s}'
done
