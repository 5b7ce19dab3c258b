#!/usr/bin/env bash
# Browser test of the portal, every user's path from the README's commands:
# a startup scaffolds, builds, checks and scores an agent with the CLI
# (`govlab agent new|build|check`, `govlab run`), then portal.mjs drives
# Debian's chromium (headless, via playwright-core) through the portal this
# script serves with an evaluation key: the startup uploads the scaffold and
# runs a practice pilot, submits a better version for review with `govlab
# submit --for-review`; staff approve it and run the evaluation pilot; an
# investor reads the scoreboard in Kazakh and Russian and verifies a
# downloaded scorecard with `govlab verify --portal`. Screenshots land in
# tests/browser/artifacts/ (git-ignored).
#
#   tests/browser/run.sh            # from anywhere in the repository
#   KEEP_DATA=1 tests/browser/run.sh  # keep the data directory for a look
#   AGENT_WASM=path/appeals_competent.wasm tests/browser/run.sh  # skip the agent build
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
mkdir -p "$here/artifacts"

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium"
  apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }
fi

echo "== npm ci"
(cd "$here" && npm ci --no-audit --no-fund --silent)

echo "== building govlab and the appeals_competent agent"
cargo build --manifest-path "$root/Cargo.toml" --bin govlab
govlab="$target/debug/govlab"
if [ -n "${AGENT_WASM:-}" ]; then
  wasm=$AGENT_WASM
else
  agents_target=${AGENTS_TARGET_DIR:-$root/scenarios/agents/target}
  cargo build --manifest-path "$root/scenarios/agents/Cargo.toml" --target wasm32-wasip2 --release \
    -p appeals_competent --target-dir "$agents_target"
  wasm="$agents_target/wasm32-wasip2/release/appeals_competent.wasm"
fi
[ -f "$wasm" ] || { echo "no $wasm after the build" >&2; exit 1; }

data=$(mktemp -d)
work=$(mktemp -d)

echo "== startup, from the README: agent new, agent build, agent check, a scored practice pilot"
"$govlab" agent new my-agent --dir "$work"
scaffold=$(cd "$work" && CARGO_TARGET_DIR="$target/browser-scaffold" "$govlab" agent build my-agent | head -n 1)
[ -f "$scaffold" ] || { echo "agent build printed no component path" >&2; exit 1; }
"$govlab" agent check "$scaffold" | tail -n 1
GOVLAB_KEY_DIR="$work/keys" "$govlab" run --scenario appeals-triage --agent "$scaffold" --limit 200 --out "$work/pilot" | tail -n 3

echo "== lab staff, from the README: an evaluation key"
"$govlab" lab init --out "$data/eval.key"
cat >"$data/portal.toml" <<EOF
[scenarios]
evaluation_key_file = "$data/eval.key"
EOF
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
url="http://127.0.0.1:$port"
echo "== govlab serve on $url (data in $data)"
"$govlab" serve --addr "127.0.0.1:$port" --data-dir "$data" --config "$data/portal.toml" >"$here/artifacts/serve.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  if [ -z "${KEEP_DATA:-}" ]; then rm -rf "$data" "$work"; else echo "data kept in $data and $work"; fi
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  if curl -fsS "$url/healthz" >/dev/null 2>&1; then break; fi
  kill -0 "$server" 2>/dev/null || { cat "$here/artifacts/serve.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$url/healthz" >/dev/null

startup=$("$govlab" tokens create --role startup --team team-browser --label browser-test --data-dir "$data" 2>/dev/null)
investor=$("$govlab" tokens create --role investor --label browser-test --data-dir "$data" 2>/dev/null)
staff=$("$govlab" tokens create --role staff --label browser-test --data-dir "$data" 2>/dev/null)

echo "== chromium"
GOVLAB_URL="$url" GOVLAB_BIN="$govlab" STARTUP_TOKEN="$startup" INVESTOR_TOKEN="$investor" \
  STAFF_TOKEN="$staff" SCAFFOLD_WASM="$scaffold" AGENT_WASM="$wasm" \
  node "$here/portal.mjs"
