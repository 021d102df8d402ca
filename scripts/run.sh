#!/usr/bin/env bash
# Starts engine, action server and gateway with honcho; prints the widget URL once all three answer.
set -euo pipefail
cd "$(dirname "$0")/.."
export BILDUNGSLOTSE_ENGINE_PORT=${BILDUNGSLOTSE_ENGINE_PORT:-5005}
export BILDUNGSLOTSE_ACTION_PORT=${BILDUNGSLOTSE_ACTION_PORT:-5055}
export BILDUNGSLOTSE_GATEWAY_PORT=${BILDUNGSLOTSE_GATEWAY_PORT:-8000}
export BILDUNGSLOTSE_ENGINE_URL=${BILDUNGSLOTSE_ENGINE_URL:-http://127.0.0.1:$BILDUNGSLOTSE_ENGINE_PORT}
export BILDUNGSLOTSE_ACTION_URL=${BILDUNGSLOTSE_ACTION_URL:-http://127.0.0.1:$BILDUNGSLOTSE_ACTION_PORT/webhook}
export BILDUNGSLOTSE_TRACKER_STORE_URL=${BILDUNGSLOTSE_TRACKER_STORE_URL:-sqlite:///$PWD/var/tracker.db}
export BILDUNGSLOTSE_MODEL=${BILDUNGSLOTSE_MODEL:-$(.venv/bin/bildungslotse engine model-path)}
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONUNBUFFERED=1
mkdir -p var
.venv/bin/bildungslotse engine endpoints --out var/endpoints.yml >/dev/null  # tracker and lock store from the settings

(
  gw="http://127.0.0.1:$BILDUNGSLOTSE_GATEWAY_PORT"
  for _ in $(seq 1 600); do
    if curl -fs "$gw/readyz" >/dev/null 2>&1; then
      printf '\n  Bildungslotse läuft: %s/\n  (Strg-C beendet alle drei Prozesse)\n\n' "$gw"
      exit 0
    fi
    sleep 1
  done
  echo "Bildungslotse: not all processes answered within 10 minutes" >&2
) &

exec .venv/bin/honcho start -f Procfile
