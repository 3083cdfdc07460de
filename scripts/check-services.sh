#!/usr/bin/env bash
# Checks that PostgreSQL, Redis and RabbitMQ answer, and optionally starts the ones that do not.
#
#   scripts/check-services.sh                 check only; print what is missing and how to start it
#   scripts/check-services.sh --start=local   start missing ones with this machine's own commands (CI)
#   scripts/check-services.sh --start=docker  start missing ones from docker/docker-compose.yml if a
#                                             Docker daemon answers; otherwise behave like check only
#
# Hosts and ports come from the same environment variables the service reads:
#   PG_HOST/PG_PORT, REDIS_HOST/REDIS_PORT, RABBITMQ_HOST/RABBITMQ_PORT (defaults 127.0.0.1 and the
#   standard ports). WAIT_SECONDS (default 60) bounds the wait after a start.
# Exit status: 0 when all three answer, 1 otherwise.
# shellcheck disable=SC2317  # functions below are called indirectly (trap, PROBE table)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COMPOSE_FILE="$ROOT/docker/docker-compose.yml"

PG_HOST="${PG_HOST:-127.0.0.1}";             PG_PORT="${PG_PORT:-5432}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}";       REDIS_PORT="${REDIS_PORT:-6379}"
RABBITMQ_HOST="${RABBITMQ_HOST:-127.0.0.1}"; RABBITMQ_PORT="${RABBITMQ_PORT:-5672}"
WAIT_SECONDS="${WAIT_SECONDS:-60}"

MODE=check
for arg in "$@"; do
  case "$arg" in
    --start=local|--start=docker) MODE="${arg#--start=}" ;;
    --check) MODE=check ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "check-services: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

log() { echo "[services] $*"; }

# The exact commands that start each service on this kind of machine (see the machine notes).
# shellcheck disable=SC2016
START_PG='pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'
START_REDIS='redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log'
START_RABBITMQ='rabbitmq-server -detached'

# --- probes -----------------------------------------------------------------------------------
tcp_open() { # host port
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

pg_up() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}

redis_up() {
  if command -v redis-cli >/dev/null 2>&1; then
    local args=(-h "$REDIS_HOST" -p "$REDIS_PORT")
    [ -n "${REDIS_PASSWORD:-}" ] && args+=(--no-auth-warning -a "$REDIS_PASSWORD")
    [ "$(timeout 3 redis-cli "${args[@]}" ping 2>/dev/null)" = "PONG" ]
  else
    tcp_open "$REDIS_HOST" "$REDIS_PORT"
  fi
}

# The AMQP port opens only once the broker has booted, so the port is the readiness signal.
rabbitmq_up() { tcp_open "$RABBITMQ_HOST" "$RABBITMQ_PORT"; }

is_local() { case "$1" in 127.0.0.1|localhost|::1) return 0 ;; *) return 1 ;; esac; }

# --- starting -----------------------------------------------------------------------------------
start_local() { # name
  case "$1" in
    postgresql)
      log "starting PostgreSQL: $START_PG"
      # shellcheck disable=SC2046
      pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start ;;
    redis)
      log "starting Redis: $START_REDIS"
      redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log ;;
    rabbitmq)
      log "starting RabbitMQ: $START_RABBITMQ (it takes 10-20 s to boot)"
      rabbitmq-server -detached ;;
  esac
}

wait_for() { # name probe-function
  local name="$1" probe="$2" waited=0
  while ! "$probe"; do
    if [ "$waited" -ge "$WAIT_SECONDS" ]; then
      log "FAILED: $name still does not answer after ${WAIT_SECONDS}s"
      return 1
    fi
    sleep 1; waited=$((waited + 1))
  done
  log "$name answers (after ${waited}s)"
  if [ "$name" = rabbitmq ] && command -v rabbitmqctl >/dev/null 2>&1 && is_local "$RABBITMQ_HOST"; then
    # The port opens slightly before every plugin/app is up; await_startup waits for the rest.
    timeout "$WAIT_SECONDS" rabbitmqctl -q await_startup >/dev/null 2>&1 \
      || log "note: 'rabbitmqctl await_startup' did not confirm (port $RABBITMQ_PORT answers; going on)"
  fi
}

hint() { # name -> how to start it by hand
  case "$1" in
    postgresql) echo "  PostgreSQL ($PG_HOST:$PG_PORT):       $START_PG" ;;
    redis)      echo "  Redis ($REDIS_HOST:$REDIS_PORT):            $START_REDIS" ;;
    rabbitmq)   echo "  RabbitMQ ($RABBITMQ_HOST:$RABBITMQ_PORT):         $START_RABBITMQ" ;;
  esac
}

# --- main -----------------------------------------------------------------------------------------
declare -A PROBE=([postgresql]=pg_up [redis]=redis_up [rabbitmq]=rabbitmq_up)
declare -A HOST=([postgresql]="$PG_HOST:$PG_PORT" [redis]="$REDIS_HOST:$REDIS_PORT" [rabbitmq]="$RABBITMQ_HOST:$RABBITMQ_PORT")
declare -A COMPOSE_SVC=([postgresql]=postgres [redis]=redis [rabbitmq]=rabbitmq)
declare -A DEFAULT_PORT=([postgresql]=5432 [redis]=6379 [rabbitmq]=5672)
ORDER=(postgresql redis rabbitmq)

missing=()
for s in "${ORDER[@]}"; do
  if "${PROBE[$s]}"; then log "$s answers on ${HOST[$s]}"; else log "$s does NOT answer on ${HOST[$s]}"; missing+=("$s"); fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

case "$MODE" in
  local)
    failed=0
    started=()
    for s in "${missing[@]}"; do
      if [ "${HOST[$s]}" != "127.0.0.1:${DEFAULT_PORT[$s]}" ] && [ "${HOST[$s]}" != "localhost:${DEFAULT_PORT[$s]}" ]; then
        log "FAILED: $s is configured at ${HOST[$s]}; this machine's start command serves only 127.0.0.1:${DEFAULT_PORT[$s]}"
        failed=1; continue
      fi
      start_local "$s" || log "start command for $s returned non-zero (waiting anyway)"
      started+=("$s")
    done
    for s in "${started[@]}"; do wait_for "$s" "${PROBE[$s]}" || failed=1; done
    if [ "$failed" -ne 0 ]; then
      log "some services did not come up; logs: /var/log/postgresql/, /var/log/redis/ci.log, /var/log/rabbitmq/"
      exit 1
    fi
    exit 0 ;;
  docker)
    if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
      svcs=(); for s in "${missing[@]}"; do svcs+=("${COMPOSE_SVC[$s]}"); done
      log "Docker daemon answers: docker compose -f docker/docker-compose.yml up -d ${svcs[*]}"
      docker compose -f "$COMPOSE_FILE" up -d "${svcs[@]}"
      failed=0
      for s in "${missing[@]}"; do wait_for "$s" "${PROBE[$s]}" || failed=1; done
      exit "$failed"
    fi
    log "no Docker daemon answers ('docker info' failed), so nothing can be started from docker/docker-compose.yml" ;;
esac

echo "Not reachable: ${missing[*]}. Start them with (as root):" >&2
for s in "${missing[@]}"; do hint "$s" >&2; done
echo "or, with a Docker daemon: docker compose -f docker/docker-compose.yml up -d postgres redis rabbitmq" >&2
echo "or run: scripts/check-services.sh --start=local" >&2
exit 1
