#!/usr/bin/env bash
# Private PostgreSQL, Redis and RabbitMQ servers for `make soak` (bench/soak.sh), on free loopback ports, with their
# data in SOAK_DEPS_DIR. The soak points the service at them and stops and starts one of them in the middle of the
# load; the machine's shared servers (5432, 6379, 5672) are never touched.
#
#   bench/soak-deps.sh start SERVER    first call: create the instance (initdb, data dirs) and start it; later
#                                      calls: start it again with the same data and port. Waits until it answers.
#   bench/soak-deps.sh stop SERVER     stop it (PostgreSQL: pg_ctl -m fast, Redis: SHUTDOWN NOSAVE, RabbitMQ:
#                                      rabbitmqctl stop) and wait until its process is gone
#   bench/soak-deps.sh port SERVER     its port
#   bench/soak-deps.sh remove SERVER   stop it if running and delete its data
# SERVER: postgres, redis or rabbitmq. SOAK_DEPS_DIR (required) holds SERVER.port, SERVER.log and the data.
# PostgreSQL runs as the `postgres` OS user when started by root (initdb refuses root); trust authentication for
# user postgres on 127.0.0.1 only. RabbitMQ: its own node name (soak<port>@localhost), ports, data and an empty
# plugin list (no management listener that could clash with the shared node's); guest/guest on loopback.
set -euo pipefail

CMD="${1:-}"; SERVER="${2:-}"
DIR="${SOAK_DEPS_DIR:?SOAK_DEPS_DIR must name the directory of the private servers}"
mkdir -p "$DIR"
die() { echo "[soak-deps] ERROR: $*" >&2; exit 1; }
port_busy() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
free_port() { # a port that nothing listens on and that no other private server of this soak has taken
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 30000 ))
    port_busy "$p" || port_busy $((p + 1)) || grep -qx "$p\|$((p - 1))\|$((p + 1))" "$DIR"/*.port 2>/dev/null \
      || { echo "$p"; return 0; }
  done
  die "no free port found"
}
port_of() { # SERVER: its port, chosen once
  local f="$DIR/$1.port"
  [ -s "$f" ] || free_port > "$f"
  cat "$f"
}
wait_until() { # SECONDS COMMAND...: retry the command every 0.2 s
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# --- PostgreSQL ----------------------------------------------------------------------------------
PG_BIN="$(pg_config --bindir 2>/dev/null || dirname "$(readlink -f "$(command -v pg_ctl 2>/dev/null || echo /nonexistent)")")"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_start() {
  local data="$DIR/pg" port; port="$(port_of postgres)"
  [ -x "$PG_BIN/pg_ctl" ] || die "pg_ctl not found (PostgreSQL server binaries; pg_config --bindir)"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres "$DIR" "$data"
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-sync > "$DIR/postgres-initdb.log" 2>&1 \
      || { cat "$DIR/postgres-initdb.log" >&2; die "initdb failed"; }
  fi
  [ "$(id -u)" = 0 ] && touch "$DIR/postgres.log" && chown postgres "$DIR/postgres.log"
  as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$DIR/postgres.log" -w -t 60 \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1" start > /dev/null \
    || { tail -n 20 "$DIR/postgres.log" >&2; die "PostgreSQL did not start on port $port"; }
}
pg_stop() {
  [ -f "$DIR/pg/postmaster.pid" ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg" -m fast -w -t 60 stop > /dev/null
}

# --- Redis ---------------------------------------------------------------------------------------
redis_start() {
  local port; port="$(port_of redis)"
  command -v redis-server >/dev/null || die "redis-server not found"
  mkdir -p "$DIR/redis"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$DIR/redis" --daemonize yes \
    --pidfile "$DIR/redis/redis.pid" --logfile "$DIR/redis.log" > /dev/null
  wait_until 30 redis-cli -h 127.0.0.1 -p "$port" ping || die "Redis did not answer on port $port"
}
redis_stop() {
  local pid; pid="$(cat "$DIR/redis/redis.pid" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  redis-cli -h 127.0.0.1 -p "$(port_of redis)" shutdown nosave > /dev/null 2>&1 || true
  wait_until 30 bash -c "! kill -0 $pid" || die "Redis (pid $pid) did not stop"
}

# --- RabbitMQ ------------------------------------------------------------------------------------
RMQ_BIN=/usr/lib/rabbitmq/bin   # the Debian wrappers in /usr/sbin switch to the rabbitmq user and its fixed paths
[ -x "$RMQ_BIN/rabbitmq-server" ] || RMQ_BIN="$(dirname "$(command -v rabbitmq-server 2>/dev/null || echo /nonexistent/x)")"
rmq_env() { # the node's own environment (its own env file, so /etc/rabbitmq/rabbitmq-env.conf does not name it)
  local port; port="$(port_of rabbitmq)"
  mkdir -p "$DIR/rabbitmq/log"
  [ -f "$DIR/rabbitmq/enabled_plugins" ] || echo '[].' > "$DIR/rabbitmq/enabled_plugins"
  [ -f "$DIR/rabbitmq/rabbitmq.conf" ] || printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users = none\n' \
    "$port" > "$DIR/rabbitmq/rabbitmq.conf"
  : > "$DIR/rabbitmq/rabbitmq-env.conf"
  export RABBITMQ_NODENAME="soak$port@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" \
    RABBITMQ_DIST_PORT=$((port + 1)) RABBITMQ_MNESIA_BASE="$DIR/rabbitmq/mnesia" RABBITMQ_LOG_BASE="$DIR/rabbitmq/log" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/rabbitmq/enabled_plugins" RABBITMQ_CONFIG_FILE="$DIR/rabbitmq/rabbitmq.conf" \
    RABBITMQ_CONF_ENV_FILE="$DIR/rabbitmq/rabbitmq-env.conf" RABBITMQ_PID_FILE="$DIR/rabbitmq/node.pid" \
    ERL_EPMD_ADDRESS=127.0.0.1
}
rmq_start() {
  [ -x "$RMQ_BIN/rabbitmq-server" ] || die "rabbitmq-server not found"
  rmq_env
  setsid "$RMQ_BIN/rabbitmq-server" >> "$DIR/rabbitmq.log" 2>&1 < /dev/null &
  wait_until 120 "$RMQ_BIN/rabbitmqctl" -n "$RABBITMQ_NODENAME" -q await_startup --timeout 5 \
    || { tail -n 20 "$DIR/rabbitmq.log" >&2; die "RabbitMQ ($RABBITMQ_NODENAME) did not start"; }
}
rmq_stop() {
  rmq_env
  [ -s "$RABBITMQ_PID_FILE" ] && kill -0 "$(cat "$RABBITMQ_PID_FILE")" 2>/dev/null || return 0
  "$RMQ_BIN/rabbitmqctl" -n "$RABBITMQ_NODENAME" -q stop "$RABBITMQ_PID_FILE" > /dev/null 2>&1 \
    || die "rabbitmqctl stop of $RABBITMQ_NODENAME failed"
}

case "$SERVER" in postgres) S=pg ;; redis) S=redis ;; rabbitmq) S=rmq ;; *) die "unknown server '$SERVER' (postgres, redis, rabbitmq)" ;; esac
case "$CMD" in
  start) "${S}_start" ;;
  stop) "${S}_stop" ;;
  port) port_of "$SERVER" ;;
  remove)
    "${S}_stop" || true
    case "$SERVER" in postgres) rm -rf "$DIR/pg" ;; *) rm -rf "${DIR:?}/$SERVER" ;; esac
    rm -f "$DIR/$SERVER.port" ;;
  *) die "usage: soak-deps.sh start|stop|port|remove postgres|redis|rabbitmq" ;;
esac
