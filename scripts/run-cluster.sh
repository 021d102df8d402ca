#!/usr/bin/env bash
# The scale-out profile on one machine: two engines, two action servers, two gateways behind HAProxy,
# sharing PostgreSQL and Redis. Started with honcho (deploy/Procfile.cluster); Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."

PROCFILE=deploy/Procfile.cluster
STATE=var/cluster
PORTS=(5005 5006 5055 5056 8001 8002 8000)   # engines, action servers, gateways, HAProxy
PUBLIC=http://127.0.0.1:8000

usage() {
  cat <<'EOF'
Usage: scripts/run-cluster.sh [--help]

Starts on this machine, with honcho and deploy/Procfile.cluster:
  engine1/2    Rasa on 127.0.0.1:5005 and :5006 (SQL tracker store, Redis lock store)
  actions1/2   rasa-sdk action servers on :5055 and :5056 (engine N uses action server N)
  gateway1/2   the FastAPI gateway on :8001 and :8002, both knowing both engines
  haproxy      127.0.0.1:8000, round robin over the gateways (deploy/haproxy.cfg)
then waits until http://127.0.0.1:8000/readyz answers 200 and prints the URL. Ctrl-C stops all.

Required environment (shared by every process):
  BILDUNGSLOTSE_DATABASE_URL   e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test
  BILDUNGSLOTSE_REDIS_URL      e.g. redis://127.0.0.1:6379/0
Optional:
  BILDUNGSLOTSE_TRACKER_STORE_URL  Rasa's tracker store (default: BILDUNGSLOTSE_DATABASE_URL)
  BILDUNGSLOTSE_LOCK_STORE_URL     Rasa's lock store (default: BILDUNGSLOTSE_REDIS_URL)
  BILDUNGSLOTSE_MODEL              model to load (default: `bildungslotse engine train`, which
                                   trains only when the training data changed)

Needs haproxy (scripts/install-system.sh installs it) and both environments (make setup train).
EOF
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) usage >&2; exit 2 ;;
esac

fail() { echo "run-cluster: $*" >&2; exit 1; }

require_settings() {
  local missing=()
  [ -n "${BILDUNGSLOTSE_DATABASE_URL:-}" ] || missing+=("BILDUNGSLOTSE_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
  [ -n "${BILDUNGSLOTSE_REDIS_URL:-}" ] || missing+=("BILDUNGSLOTSE_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
  if [ "${#missing[@]}" -gt 0 ]; then
    printf 'run-cluster: the cluster shares one database and one Redis; please set\n' >&2
    printf '  %s\n' "${missing[@]}" >&2
    exit 1
  fi
  case "$BILDUNGSLOTSE_DATABASE_URL" in
    sqlite*) echo "run-cluster: warning: SQLite shared by six processes is for trying out only; use PostgreSQL" >&2 ;;
  esac
}

require_tools() {
  command -v haproxy >/dev/null 2>&1 || fail "haproxy is not installed; run scripts/install-system.sh (as root)"
  command -v curl >/dev/null 2>&1 || fail "curl is not installed"
  [ -x .venv/bin/honcho ] || fail ".venv is missing; run 'make setup' first"
  [ -x .venv-engine/bin/rasa ] || fail ".venv-engine is missing; run 'make train' first"
}

require_free_ports() {
  local port
  for port in "${PORTS[@]}"; do
    if timeout 1 bash -c ": >/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
      fail "127.0.0.1:$port is in use (another run of the stack?); stop it first"
    fi
  done
}

require_redis() {
  local problem
  problem=$(.venv/bin/python - 2>&1 <<'EOF'
import os, sys
import redis
try:
    redis.Redis.from_url(os.environ["BILDUNGSLOTSE_REDIS_URL"], socket_connect_timeout=3, socket_timeout=3).ping()
except Exception as exc:
    sys.exit(str(exc))
EOF
) || fail "Redis (BILDUNGSLOTSE_REDIS_URL) does not answer: $problem"
}

find_model() {  # sets BILDUNGSLOTSE_MODEL: given, or the path `engine train` prints on its last line
  if [ -z "${BILDUNGSLOTSE_MODEL:-}" ]; then
    # Shown as it runs and kept; tee to a file, not /dev/stderr, which would truncate a redirected log.
    .venv/bin/bildungslotse engine train | tee "$STATE/train.log"
    BILDUNGSLOTSE_MODEL=$(tail -n 1 "$STATE/train.log")
  fi
  [ -f "$BILDUNGSLOTSE_MODEL" ] || fail "no model at '$BILDUNGSLOTSE_MODEL'"
  export BILDUNGSLOTSE_MODEL
}

write_endpoints() {  # engine N talks to action server N (ports 5055, 5056)
  local n
  for n in 1 2; do
    .venv/bin/bildungslotse engine endpoints --out "$STATE/endpoints-$n.yml" \
      --action-url "http://127.0.0.1:$((5054 + n))/webhook"
  done
}

announce_when_ready() {  # in the background; gives up when honcho ($1) has gone or after 10 minutes
  local supervisor=$1
  for _ in $(seq 1 600); do
    kill -0 "$supervisor" 2>/dev/null || exit 0
    if curl -fs -o /dev/null --max-time 2 "$PUBLIC/readyz"; then
      printf '\n  Bildungslotse (Cluster) läuft: %s/\n  (Strg-C beendet alle Prozesse)\n\n' "$PUBLIC"
      exit 0
    fi
    sleep 1
  done
  echo "run-cluster: $PUBLIC/readyz did not answer 200 within 10 minutes" >&2
}

require_settings
require_tools
require_free_ports
require_redis

export BILDUNGSLOTSE_ENGINE_URLS=http://127.0.0.1:5005,http://127.0.0.1:5006
export BILDUNGSLOTSE_TRACKER_STORE_URL=${BILDUNGSLOTSE_TRACKER_STORE_URL:-$BILDUNGSLOTSE_DATABASE_URL}
export BILDUNGSLOTSE_LOCK_STORE_URL=${BILDUNGSLOTSE_LOCK_STORE_URL:-$BILDUNGSLOTSE_REDIS_URL}
export BILDUNGSLOTSE_DATABASE_URL BILDUNGSLOTSE_REDIS_URL
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONUNBUFFERED=1
mkdir -p "$STATE"

echo "run-cluster: database (migrations, reference data, sample catalogue)"
.venv/bin/bildungslotse setup
echo "run-cluster: model (trains only when the training data changed)"
find_model
echo "run-cluster: model $BILDUNGSLOTSE_MODEL"
write_endpoints
echo "run-cluster: starting $(grep -c '^[a-z0-9]*:' "$PROCFILE") processes from $PROCFILE"

announce_when_ready $$ &
exec .venv/bin/honcho start -f "$PROCFILE"
