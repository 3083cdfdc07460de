# Shared by bench/run.sh (`make bench`) and bench/soak.sh (`make soak`); sourced, not run. The caller sets ROOT (the
# checkout, also the working directory: the service reads conf/config.json relative to it), LOG_TAG (the prefix of
# its messages), WORK (its scratch directory) and BENCH_JAVA_OPTS; the functions below set the variables they name.
# shellcheck shell=bash

APP_JAR="target/favorite-products.jar"
FAKE_JAR="fake-products/target/fake-products.jar"
BENCH_JAR="bench/target/favorite-products-bench.jar"   # the load tool, its own module (bench/pom.xml)
CLASSPATH_FILE="bench/target/classpath.txt"           # its dependency jars, written by its package phase

log() { echo "[${LOG_TAG:-bench}] $*"; }
die() { echo "[${LOG_TAG:-bench}] ERROR: $*" >&2; exit 1; }
port_busy() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
now_ms() { date +%s%3N; }
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
stop_pid() { # pid: TERM, then KILL after 10 s
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# typed_command VARS TARGET SCRIPT: exports BENCH_COMMAND, the command as typed, for the report (unless set): the
# variables given whose names start with VARS_ (an extended regex: BENCH, or SOAK|BENCH), then `make TARGET` or SCRIPT.
typed_command() {
  if [ -z "${BENCH_COMMAND:-}" ]; then
    BENCH_COMMAND="$( (env | grep -E "^($1)_[A-Z_]+=" || true) | sort | tr '\n' ' ')"
    if [ -n "${MAKELEVEL:-}" ]; then BENCH_COMMAND+="make $2"; else BENCH_COMMAND+="$3"; fi
  fi
  export BENCH_COMMAND
}

# build_tools: the service and fake-products jars when missing, the bench tool when its sources changed (unless
# BENCH_SKIP_BUILD=1). Sets CP (the bench tool's classpath) for bench_tool.
build_tools() {
  [ -f "$APP_JAR" ] || { log "building the jars (make build)"; make -s build; }
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] && bench_classes_stale; then
    log "building the bench tool (mvn -f bench/pom.xml package: its jar and classpath)"
    mvn -q -B -ntp -f bench/pom.xml package
    touch "$CLASSPATH_FILE"
  fi
  [ -f "$BENCH_JAR" ] && [ -f "$CLASSPATH_FILE" ] \
    || die "the bench tool is not built ($BENCH_JAR, $CLASSPATH_FILE): run mvn -f bench/pom.xml package, or unset BENCH_SKIP_BUILD"
  CP="$BENCH_JAR:$(cat "$CLASSPATH_FILE")"
}
bench_classes_stale() {
  [ -f "$CLASSPATH_FILE" ] && [ -f "$BENCH_JAR" ] || return 0
  [ -n "$(find bench/pom.xml bench/src -newer "$CLASSPATH_FILE" -print -quit)" ]
}
bench_tool() { java -cp "$CP" com.favoriteproducts.bench.BenchTool "$@"; }

# machine_facts: exports BENCH_GIT_REV, BENCH_CPU, BENCH_MEM_MIB for the reports.
machine_facts() {
  export BENCH_GIT_REV; BENCH_GIT_REV="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src pom.xml bench/src bench/pom.xml 2>/dev/null || echo '+changes')"
  export BENCH_CPU; BENCH_CPU="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  export BENCH_MEM_MIB; BENCH_MEM_MIB="$(awk '/MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)"
}
cpu_busy_pct() { # share of all CPUs busy over one second, from /proc/stat
  local a b
  read -r -a a < /proc/stat; sleep 1; read -r -a b < /proc/stat
  local busy=$(( (b[1]+b[2]+b[3]+b[6]+b[7]+b[8]) - (a[1]+a[2]+a[3]+a[6]+a[7]+a[8]) ))
  local idle=$(( (b[4]+b[5]) - (a[4]+a[5]) ))
  echo $(( 100 * busy / (busy + idle > 0 ? busy + idle : 1) ))
}

# cds_archive PORT: class-data sharing. The JVM maps the classes the service loads at start from an archive (AppCDS,
# JDK 17 dynamic archive) instead of reading and verifying them from the jar: about 0.8 s less start-up here. The
# archive is made once per build of the jar by starting the service (on PORT, with the PG_*, REDIS_* and RABBITMQ_*
# of the environment) and stopping it. BENCH_CDS=0: no archive. Appends the option to BENCH_JAVA_OPTS.
CDS_ARCHIVE="target/favorite-products.jsa"
cds_archive() {
  local port="$1"
  [ "${BENCH_CDS:-1}" = 1 ] || return 0
  if [ ! -f "$CDS_ARCHIVE" ] || [ "$APP_JAR" -nt "$CDS_ARCHIVE" ]; then
    log "training start for the class-data-sharing archive $CDS_ARCHIVE (not measured)"
    rm -f "$CDS_ARCHIVE"
    # shellcheck disable=SC2086  # BENCH_JAVA_OPTS is a list of options
    HTTP_PORT="$port" HTTP_HOST=127.0.0.1 RABBITMQ_VHOST=/ RABBITMQ_QUEUE_PREFIX=favorites_cds_training \
      java $BENCH_JAVA_OPTS -XX:ArchiveClassesAtExit="$CDS_ARCHIVE" -jar "$APP_JAR" > "$WORK/cds-training.log" 2>&1 &
    local cds_pid=$!
    for _ in $(seq 1 300); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" 2>/dev/null)" = 200 ] && break
      kill -0 "$cds_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -TERM "$cds_pid" 2>/dev/null || true
    wait "$cds_pid" 2>/dev/null || true
    # Its queues, on the machine's broker (a private broker is thrown away with its data).
    if [ -z "${RABBITMQ_PORT:-}" ] && command -v rabbitmqctl >/dev/null 2>&1; then
      for q in $(rabbitmqctl -q list_queues name 2>/dev/null | grep '^favorites_cds_training' || true); do
        rabbitmqctl -q delete_queue "$q" >/dev/null 2>&1 || true
      done
    fi
  fi
  if [ -f "$CDS_ARCHIVE" ]; then
    BENCH_JAVA_OPTS="$BENCH_JAVA_OPTS -XX:SharedArchiveFile=$CDS_ARCHIVE"
  else
    log "no class-data-sharing archive (see $WORK/cds-training.log); the service starts without one"
  fi
}

# start_fake_products PORT: sets FAKE_PID, and exports BENCH_PRODUCTS_URL (empty when it did not start) and
# BENCH_PRODUCTS_SKIP_REASON for the seeding.
start_fake_products() {
  local port="$1"
  export BENCH_PRODUCTS_URL="" BENCH_PRODUCTS_SKIP_REASON=""
  if [ -f "$FAKE_JAR" ]; then
    log "starting fake-products on port $port"
    PORT="$port" java -jar "$FAKE_JAR" > "$WORK/fake-products.log" 2>&1 &
    FAKE_PID=$!
    for _ in $(seq 1 150); do port_busy "$port" && break; kill -0 "$FAKE_PID" 2>/dev/null || break; sleep 0.2; done
    if port_busy "$port"; then
      BENCH_PRODUCTS_URL="http://127.0.0.1:$port"
    else
      tail -n 20 "$WORK/fake-products.log" >&2
      BENCH_PRODUCTS_SKIP_REASON="fake-products did not start (see $WORK/fake-products.log)"
    fi
  else
    BENCH_PRODUCTS_SKIP_REASON="$FAKE_JAR is not built (make build makes it; make bench runs it first)"
    log "no fake-products: $BENCH_PRODUCTS_SKIP_REASON"
  fi
}

# start_service PORT FAKE_PORT [LOG_NAME]: the service with BENCH_JAVA_OPTS, a fresh API token and JWT secret, on
# loopback; the rest of its configuration from the environment; its output in $WORK/LOG_NAME.log (default service).
# Sets SVC_PID and STARTUP_MS (process start to /health/ready 200), exports BENCH_TOKEN (an admin token) and
# BENCH_BASE_URL. Dies when it is not ready within 60 s.
start_service() {
  local port="$1" fake_port="$2" base="http://127.0.0.1:$1" svc_log="$WORK/${3:-service}.log"
  # The start-up figure is the service's own: fake-products listens before its JVM is done starting (class loading,
  # the JIT), and rabbitmqctl's Erlang VM may still be exiting, so wait (at most 10 s) for the CPUs to be mostly idle.
  for _ in $(seq 1 10); do [ "$(cpu_busy_pct)" -gt 10 ] || break; done
  export HTTP_PORT="$port" HTTP_HOST=127.0.0.1 PRODUCTS_BASE_URL="http://127.0.0.1:$fake_port"
  export API_TOKEN; API_TOKEN="bench-$(random_hex 16)"
  export JWT_SECRET; JWT_SECRET="$(random_hex 32)"
  log "starting favorite-products on port $port (database ${PG_DATABASE:-favorites}${BENCH_JAVA_OPTS:+, JVM options $BENCH_JAVA_OPTS})"
  local start_ms ready_ms=""; start_ms=$(now_ms)
  # shellcheck disable=SC2086  # BENCH_JAVA_OPTS is a list of options
  java $BENCH_JAVA_OPTS -jar "$APP_JAR" > "$svc_log" 2>&1 &
  SVC_PID=$!
  while [ $(( $(now_ms) - start_ms )) -lt 60000 ]; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready" 2>/dev/null)" = 200 ]; then ready_ms=$(now_ms); break; fi
    kill -0 "$SVC_PID" 2>/dev/null || break
    sleep 0.02
  done
  if [ -z "$ready_ms" ]; then
    tail -n 40 "$svc_log" >&2
    die "the service did not answer 200 on /health/ready within 60 s (log: $svc_log)"
  fi
  STARTUP_MS=$((ready_ms - start_ms))
  log "service ready ${STARTUP_MS} ms after the process started ($(grep -o 'started in [0-9]* ms' "$svc_log" | head -n1 || true))"
  export BENCH_BASE_URL="$base" BENCH_TOKEN
  BENCH_TOKEN="$(curl -s -X POST "$base/v1/auth/token" -H 'content-type: application/json' -d "{\"token\":\"$API_TOKEN\"}" \
    | sed -n 's/.*"access_token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')"
  [ -n "$BENCH_TOKEN" ] || die "could not get an admin token from POST /v1/auth/token"
}

# service_log_counts: ERROR and WARN line counts of the service logs (every start: service*.log; sets LOG_ERRORS,
# LOG_WARNS).
service_log_counts() {
  LOG_ERRORS="$(cat "$WORK"/service*.log | grep -c ' ERROR ' || true)"
  LOG_WARNS="$(cat "$WORK"/service*.log | grep -c ' WARN ' || true)"
}
# service_top_errors: the most frequent ERROR lines of the service logs, without their time stamps.
service_top_errors() {
  if [ "${LOG_ERRORS:-0}" -gt 0 ]; then
    cat "$WORK"/service*.log | grep ' ERROR ' | cut -d' ' -f2- | cut -c1-240 | sort | uniq -c | sort -rn | head -n 5
  fi
}
