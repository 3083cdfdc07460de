#!/usr/bin/env bash
# `make soak`: SOAK_DURATION seconds (default 600) of mixed load on the service (70% reads, 20% adds, 10% customer
# writes), open loop at SOAK_LOAD_PERCENT (70) of the peak measured by a short closed-loop ramp first, with one
# restart of a dependency in the middle. The service runs against PRIVATE PostgreSQL, Redis and RabbitMQ servers that
# this script starts on free ports (bench/soak-deps.sh) and removes at the end: the restart never touches the
# machine's shared servers. Seeding, service start and results come from the bench tool (bench/lib.sh, BenchTool).
# Writes bench/results/soak-latest.{json,md}; exits non-zero when a 5xx (or no answer) came outside the restart
# window, or an accepted add was lost or stored twice. A benchmark, not a test. See README ("Soak").
#
# Environment (all optional):
#   SOAK_DURATION=600          seconds of load               SOAK_LOAD_PERCENT=70   share of the peak
#   SOAK_RATE                  requests/s, instead of measuring the peak
#   SOAK_PEAK_FROM=ramp        ramp: closed loop, same mix, SOAK_RAMP_STEPS="8 32 64" in flight, SOAK_RAMP_SECONDS=10
#                              each, the best step is the peak; latest: estimated from bench/results/latest.json
#   SOAK_RESTART=postgres      postgres, redis, rabbitmq or none
#   SOAK_RESTART_AT            seconds into the load (default SOAK_DURATION / 2)
#   SOAK_DOWN_SECONDS=5        how long the server stays down    SOAK_GRACE_SECONDS=5  window after readiness is UP
#   SOAK_CONNECTIONS=64        HTTP connections of the load      SOAK_SAMPLE_SECONDS=10  memory/pool sample interval
#   SOAK_DRAIN_TIMEOUT=120     seconds to wait for pending adds  SOAK_PORT=8120 SOAK_FAKE_PORT=8121 (loopback)
#   BENCH_CUSTOMERS=10000 BENCH_FAVORITES=10 BENCH_JAVA_OPTS BENCH_CDS BENCH_RESULTS_DIR BENCH_SKIP_BUILD: as make bench
# shellcheck disable=SC2317  # cleanup is called from traps
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"   # the service reads conf/config.json relative to its working directory
LOG_TAG=soak
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

# --- settings --------------------------------------------------------------------------------------
typed_command 'SOAK|BENCH' soak bench/soak.sh
export SOAK_DURATION="${SOAK_DURATION:-600}"
export SOAK_RESTART="${SOAK_RESTART:-postgres}"
export SOAK_RESTART_AT="${SOAK_RESTART_AT:-$((SOAK_DURATION / 2))}"
case "$SOAK_RESTART" in postgres|redis|rabbitmq|none) ;; *) die "SOAK_RESTART must be postgres, redis, rabbitmq or none" ;; esac
SOAK_PORT="${SOAK_PORT:-8120}"
SOAK_FAKE_PORT="${SOAK_FAKE_PORT:-8121}"
export BENCH_CUSTOMERS="${BENCH_CUSTOMERS:-10000}" BENCH_FAVORITES="${BENCH_FAVORITES:-10}"
export BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-$(cat conf/jvm.options 2>/dev/null || true)}"
export BENCH_RESULTS_DIR="${BENCH_RESULTS_DIR:-$ROOT/bench/results}"
export BENCH_WORK_DIR="$BENCH_RESULTS_DIR/soak.tmp"   # ignored by git (bench/results/*.tmp)
WORK="$BENCH_WORK_DIR"
export BENCH_RUN_ID; BENCH_RUN_ID="$(date +%s)-$$"
DEPS="$ROOT/bench/soak-deps.sh"
SERVERS="postgres redis rabbitmq"

# --- processes and servers we start, stopped and removed on any exit -------------------------------------
SVC_PID=""; FAKE_PID=""
export SOAK_DEPS_DIR=""
cleanup() {
  trap - INT TERM EXIT
  stop_pid "$SVC_PID"; stop_pid "$FAKE_PID"; SVC_PID=""; FAKE_PID=""
  if [ -n "$SOAK_DEPS_DIR" ] && [ -d "$SOAK_DEPS_DIR" ]; then
    for s in $SERVERS; do "$DEPS" remove "$s" >/dev/null 2>&1 || log "could not remove the private $s"; done
    mkdir -p "$WORK/servers" && cp "$SOAK_DEPS_DIR"/*.log "$WORK/servers/" 2>/dev/null || true
    rm -rf "$SOAK_DEPS_DIR"
  fi
  SOAK_DEPS_DIR=""
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup' EXIT

for port in "$SOAK_PORT" "$SOAK_FAKE_PORT"; do
  port_busy "$port" && die "port $port is in use (set SOAK_PORT / SOAK_FAKE_PORT)"
done
build_tools
rm -rf "$WORK"; mkdir -p "$WORK"
machine_facts
export BENCH_CPU_BUSY_AT_START; BENCH_CPU_BUSY_AT_START="$(cpu_busy_pct)"
log "machine: $(nproc) cores ($BENCH_CPU), ${BENCH_MEM_MIB} MiB; CPUs ${BENCH_CPU_BUSY_AT_START}% busy before the run"
if [ "$BENCH_CPU_BUSY_AT_START" -gt 15 ]; then
  log "WARNING: other processes are using the CPUs: the peak, and so the load, will be low and noisy"
fi

# --- private servers -------------------------------------------------------------------------------
SOAK_DEPS_DIR="$(mktemp -d /tmp/favorites-soak.XXXXXX)"
for s in $SERVERS; do
  "$DEPS" start "$s" || die "could not start a private $s (see $SOAK_DEPS_DIR)"
done
PRIVATE="PostgreSQL 127.0.0.1:$("$DEPS" port postgres), Redis 127.0.0.1:$("$DEPS" port redis), RabbitMQ 127.0.0.1:$("$DEPS" port rabbitmq)"
log "private servers: $PRIVATE (data in $SOAK_DEPS_DIR)"
export PG_HOST=127.0.0.1 PG_PORT; PG_PORT="$("$DEPS" port postgres)"
export PG_DATABASE=favorites_soak PG_USER=postgres PG_PASSWORD=""
export REDIS_HOST=127.0.0.1 REDIS_PORT; REDIS_PORT="$("$DEPS" port redis)"
export REDIS_DB=0 REDIS_PASSWORD=""
export RABBITMQ_HOST=127.0.0.1 RABBITMQ_PORT; RABBITMQ_PORT="$("$DEPS" port rabbitmq)"
export RABBITMQ_VHOST=/ RABBITMQ_USER=guest RABBITMQ_PASSWORD=guest

# --- the service, seeded ---------------------------------------------------------------------------
cds_archive "$SOAK_PORT"
start_fake_products "$SOAK_FAKE_PORT"
[ -n "$BENCH_PRODUCTS_URL" ] || die "the soak's adds need fake-products: $BENCH_PRODUCTS_SKIP_REASON"
start_service "$SOAK_PORT" "$SOAK_FAKE_PORT"
bench_tool seed || die "seeding failed"
[ "$(cat "$WORK/favorites.status" 2>/dev/null)" = available ] || die "the favorites endpoints are not available: $(cat "$WORK/favorites.status" 2>/dev/null)"
export BENCH_IDS="$WORK/customers.txt" BENCH_PRODUCTS="$WORK/products.txt"

# --- the soak --------------------------------------------------------------------------------------
SOAK_SERVICE_PID="$SVC_PID" SOAK_DEPS_SCRIPT="$DEPS" bench_tool soak || die "the soak did not finish (see above)"
kill -0 "$SVC_PID" 2>/dev/null || log "WARNING: the service process is gone (see $WORK/service.log)"
service_log_counts
cat > "$WORK/service.json" <<JSON
{"startupMs": $STARTUP_MS, "logErrorLines": ${LOG_ERRORS:-0}, "logWarnLines": ${LOG_WARNS:-0}, "javaOpts": "$BENCH_JAVA_OPTS", "privateServers": "$PRIVATE"}
JSON
log "service log: $LOG_ERRORS ERROR, $LOG_WARNS WARN lines ($WORK/service.log)"
service_top_errors
cleanup

# --- the report and the verdict -------------------------------------------------------------------------
echo
rc=0
bench_tool soak-report || rc=$?
echo
log "written: ${BENCH_RESULTS_DIR#"$ROOT"/}/soak-latest.json and soak-latest.md (logs: ${WORK#"$ROOT"/})"
[ "$rc" = 0 ] || log "FAILED (exit $rc): see the first lines of the report"
exit "$rc"
