#!/usr/bin/env bash
# Runs fake-products (background) and the favorite-products service (foreground) on this machine,
# against PostgreSQL, Redis and RabbitMQ on localhost. Called by `make run` after `make build`.
#
# Environment (all optional; anything the service reads from conf/config.json can be overridden the
# same way, e.g. `API_TOKEN=... HTTP_PORT=8080 make run`):
#   HTTP_PORT            service port (default: conf/config.json, else 8000)
#   FAKE_PRODUCTS_PORT   fake-products port (default 8001); PRODUCTS_BASE_URL follows it unless set
#   API_TOKEN            else generated once into .run/api-token
#   JWT_SECRET           else generated once into .run/jwt-secret
#   JAVA_OPTS            JVM options for the service (default: conf/jvm.options)
#   WEBHOOKS_ALLOW_PRIVATE_TARGETS  default true here (webhook receivers on localhost); false in conf/config.json
#   RUN_DRY=1            do every check and print the commands, but start nothing
# Ctrl-C (or SIGTERM) stops both processes.
# shellcheck disable=SC2317  # functions below are called indirectly (trap, PROBE table)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"   # the service finds conf/config.json relative to its working directory

RUN_DIR="$ROOT/.run"
APP_JAR="target/favorite-products.jar"
FAKE_JAR="fake-products/target/fake-products.jar"

log() { echo "[run] $*"; }
die() { echo "[run] ERROR: $*" >&2; exit 1; }

config_value() { # KEY -> value from conf/config.json (numbers and strings), empty if absent
  local file="${CONFIG_FILE:-conf/config.json}"
  [ -f "$file" ] || return 0
  sed -n "s/^[[:space:]]*\"$1\"[[:space:]]*:[[:space:]]*\"\{0,1\}\([^\",]*\)\"\{0,1\}[[:space:]]*,\{0,1\}[[:space:]]*$/\1/p" "$file" | head -n1
}

random_hex() { # bytes
  if command -v openssl >/dev/null 2>&1; then openssl rand -hex "$1"
  else head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; fi
}

fingerprint() { # secret -> the first 8 hex digits of its SHA-256 (names a secret in output without showing it)
  printf '%s' "$1" | sha256sum | cut -c1-8
}

secret() { # NAME file bytes -> export NAME from env, else from file, else generate into file (never printed)
  local name="$1" file="$RUN_DIR/$2" bytes="$3"
  if [ -n "${!name:-}" ]; then log "$name taken from the environment"; return; fi
  if [ ! -s "$file" ]; then
    (umask 077; random_hex "$bytes" > "$file")
    log "$name generated into ${file#"$ROOT"/} (kept for later runs; delete the file for a new one)"
  fi
  export "$name=$(cat "$file")"
}

port_busy() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# --- configuration ---------------------------------------------------------------------------------
HTTP_PORT="${HTTP_PORT:-$(config_value HTTP_PORT)}"; HTTP_PORT="${HTTP_PORT:-8000}"
BRIDGE_PORT="${BRIDGE_PORT:-$(config_value BRIDGE_PORT)}"; BRIDGE_PORT="${BRIDGE_PORT:-7000}"
FAKE_PRODUCTS_PORT="${FAKE_PRODUCTS_PORT:-8001}"
export HTTP_PORT
export PRODUCTS_BASE_URL="${PRODUCTS_BASE_URL:-http://localhost:$FAKE_PRODUCTS_PORT}"
# A local run delivers webhooks to receivers on this machine (localhost, private addresses); production keeps the
# default (false): see docs/webhooks.md.
export WEBHOOKS_ALLOW_PRIVATE_TARGETS="${WEBHOOKS_ALLOW_PRIVATE_TARGETS:-true}"

# --- prerequisites --------------------------------------------------------------------------------
"$ROOT/scripts/check-services.sh" --start=docker || die "PostgreSQL, Redis and RabbitMQ must answer before the service can start (see above)"

mkdir -p "$RUN_DIR"
if [ -n "${API_TOKEN:-}" ]; then
  API_TOKEN_WHERE="from the environment (API_TOKEN)"; API_TOKEN_READ='printenv API_TOKEN'
else
  API_TOKEN_WHERE="in .run/api-token"; API_TOKEN_READ='cat .run/api-token'
fi
secret API_TOKEN api-token 24
secret JWT_SECRET jwt-secret 32

for jar in "$FAKE_JAR" "$APP_JAR"; do
  [ -f "$jar" ] || die "$jar is missing: run 'make build'"
done
port_busy "$HTTP_PORT" && die "port $HTTP_PORT is already in use (set HTTP_PORT=... to use another)"
port_busy "$FAKE_PRODUCTS_PORT" && die "port $FAKE_PRODUCTS_PORT is already in use (set FAKE_PRODUCTS_PORT=... to use another)"

FAKE_CMD=(java -jar "$FAKE_JAR")
# shellcheck disable=SC2206
# JVM options: JAVA_OPTS, else conf/jvm.options (heap and GC sized for a small node; see the README).
JAVA_OPTS="${JAVA_OPTS:-$(cat conf/jvm.options 2>/dev/null || true)}"
# The class-data-sharing archive `make bench` makes for this build of the jar, when there is one: a faster start.
CDS_ARCHIVE="target/favorite-products.jsa"
if [ -f "$CDS_ARCHIVE" ] && [ "$CDS_ARCHIVE" -nt "$APP_JAR" ]; then
  JAVA_OPTS="$JAVA_OPTS -XX:SharedArchiveFile=$CDS_ARCHIVE"
fi
APP_CMD=(java ${JAVA_OPTS:-} -jar "$APP_JAR")

if [ "${RUN_DRY:-0}" = 1 ]; then
  log "dry run; would start:"
  echo "  PORT=$FAKE_PRODUCTS_PORT ADMIN_ENABLED=true ${FAKE_CMD[*]}   (log: .run/fake-products.log)"
  echo "  HTTP_PORT=$HTTP_PORT PRODUCTS_BASE_URL=$PRODUCTS_BASE_URL API_TOKEN=<set> JWT_SECRET=<set> ${APP_CMD[*]}"
  exit 0
fi

# --- start -----------------------------------------------------------------------------------------
FAKE_PID=""; APP_PID=""
stop_all() {
  trap - INT TERM EXIT
  for pid in $APP_PID $FAKE_PID; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $APP_PID $FAKE_PID; do wait "$pid" 2>/dev/null || true; done
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

log "starting fake-products on port $FAKE_PRODUCTS_PORT (log: .run/fake-products.log)"
PORT="$FAKE_PRODUCTS_PORT" ADMIN_ENABLED=true "${FAKE_CMD[@]}" > "$RUN_DIR/fake-products.log" 2>&1 &
FAKE_PID=$!
for _ in $(seq 1 60); do
  port_busy "$FAKE_PRODUCTS_PORT" && break
  kill -0 "$FAKE_PID" 2>/dev/null || { tail -n 30 "$RUN_DIR/fake-products.log" >&2; die "fake-products exited at start"; }
  sleep 0.5
done
port_busy "$FAKE_PRODUCTS_PORT" || { tail -n 30 "$RUN_DIR/fake-products.log" >&2; die "fake-products did not open port $FAKE_PRODUCTS_PORT"; }

log "starting favorite-products on port $HTTP_PORT"
# The service runs as a child we wait on (not exec) so the trap can stop fake-products afterwards.
"${APP_CMD[@]}" &
APP_PID=$!

# Print where to go once the service answers (or after 60 s, whatever it says).
for _ in $(seq 1 120); do
  kill -0 "$APP_PID" 2>/dev/null || break
  curl -fs -o /dev/null "http://localhost:$HTTP_PORT/health/live" 2>/dev/null && break
  sleep 0.5
done
if kill -0 "$APP_PID" 2>/dev/null; then
  cat <<BANNER

  favorite-products is running (Ctrl-C stops it and fake-products)
    API            http://localhost:$HTTP_PORT/v1
    Swagger UI     http://localhost:$HTTP_PORT/docs
    contract       http://localhost:$HTTP_PORT/openapi.yaml
    health         http://localhost:$HTTP_PORT/health/ready
    TCP bridge     127.0.0.1:$BRIDGE_PORT (docs/bridge.md; demos: node examples/node/demo.js, python3 examples/python/demo.py)
    fake-products  http://localhost:$FAKE_PRODUCTS_PORT/api/product/?page=1
    API token      $API_TOKEN_WHERE (fingerprint sha256:$(fingerprint "$API_TOKEN"))
    get a JWT      curl -s -X POST localhost:$HTTP_PORT/v1/auth/token -H 'content-type: application/json' -d "{\"token\":\"\$($API_TOKEN_READ)\"}"

BANNER
fi

set +e
wait "$APP_PID"; rc=$?
set -e
APP_PID=""
log "favorite-products exited with status $rc"
exit "$rc"
