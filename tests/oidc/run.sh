#!/usr/bin/env bash
# Installs the test identity provider's npm packages (from the lock file)
# and starts it in the foreground: tests/oidc/run.sh [PORT]
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/oidc-provider ]; then
  npm ci --no-audit --no-fund --prefer-offline >&2
fi
PORT="${1:-${PORT:-9400}}" exec node provider.js
