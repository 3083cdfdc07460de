package com.favoriteproducts.db;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.config.ReplicaConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import com.favoriteproducts.config.PgConfig;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Where a verticle instance's reads go: the primary, and one client per streaming replica of PG_READ_HOSTS (one each
 * rather than one over all of them, which vertx-pg-client would round-robin by connection: so that a replica down or
 * behind is left out on its own). With no replica configured everything is the primary, with no timer, consumer or
 * check.
 *
 * <p>{@link #pipelined} (customers and favorites): the reads are single statements on pipelined clients of their own
 * (PG_READ_CONNECTIONS connections each, up to PG_PIPELINING_LIMIT statements in flight per connection), not on the
 * verticle's pool, whose connections carry one statement at a time and its transactions. Under load many reads then
 * share one write and one read system call on each side, and no read waits for a pooled connection: on this
 * project's 2-core bench machine that took the cold favorites list from about 8,000 to 11,000-14,000 requests/s and
 * PostgreSQL's CPU per list from about 68 to 40 µs. {@link #create} (favorites-jobs, whose reads are rare) reads on
 * the pool it is given.
 *
 * <p>Lag, measured every PG_READ_CHECK_INTERVAL_MS: the primary's {@code pg_current_wal_lsn()} is sampled (with the
 * time just before asking), then each replica's {@code pg_last_wal_replay_lsn()}. A replica has replayed every
 * commit made before the time of the latest sample at or below its replay LSN: that time is its
 * {@code visibleBefore}, its lag is now minus that. An idle primary does not look like lag: its LSN does not move, the
 * latest sample equals the replay LSN, the lag is about zero.
 *
 * <p>Read-your-writes: a read of a key (a customer) goes to a replica only if the last change of that key this node
 * knows of ({@link Pins}: noted by the writing verticle before it replies, and from the cluster-wide change events
 * {@code favorites.added}, {@code favorites.removed}, {@code customers.changed} on arrival) is older than the
 * replica's {@code visibleBefore}; else to the primary. A pin therefore lasts until the next measurement shows the
 * replica caught up (about one check interval), never longer than PG_READ_MAX_LAG_MS.
 *
 * <p>A replica whose read fails is answered from the primary (no 5xx for a replica lost between checks); a
 * connection failure also takes it out until the next check succeeds.
 */
public final class ReadPools {

  private static final Logger LOG = LoggerFactory.getLogger(ReadPools.class);

  /** A replica's state as readiness shows it. */
  public static final String UP = "UP";
  public static final String LAGGING = "LAGGING";
  public static final String DOWN = "DOWN";

  /**
   * How long a read waits for a replica client's connection before it is run on the primary instead. Short: when a
   * replica stops, a read queued on its client while its connection closes was seen waiting the whole wait (5 s, the
   * pools' wait) before it failed, longer than the edge's event-bus timeout (ReadReplicasTest.replicaStopsUnderReads).
   */
  static final int REPLICA_WAIT_SECONDS = 1;

  private static final class Replica {
    final String name;
    final SqlClient pool;
    volatile String state = DOWN;
    /** Every commit before this time (this JVM's clock) is replayed here. */
    volatile long visibleBefore = Long.MIN_VALUE;
    volatile String error = "not checked yet";

    Replica(String name, SqlClient pool) {
      this.name = name;
      this.pool = pool;
    }
  }

  private final Vertx vertx;
  private final SqlClient primary;
  /** Whether {@link #close} closes {@link #primary} (made here by {@link #pipelined}). */
  private final boolean ownsPrimary;
  private final ReplicaConfig cfg;
  private final List<Replica> replicas = new ArrayList<>();
  private final Pins pins;
  /** Primary samples, oldest first: {time, lsn}. */
  private final Deque<long[]> samples = new ArrayDeque<>();
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private long timer = -1;
  private int next;

  private ReadPools(Vertx vertx, SqlClient primary, boolean ownsPrimary, ReplicaConfig cfg) {
    this.vertx = vertx;
    this.primary = primary;
    this.ownsPrimary = ownsPrimary;
    this.cfg = cfg;
    this.pins = cfg.enabled() ? Pins.shared(vertx, cfg.pinsMax()) : null;
  }

  /**
   * Reads for a verticle instance: {@code primary}, and a pool per replica made from {@code connect} (host and port
   * replaced) and {@code options} (named after {@code name}). Call from the verticle's start, then {@link #ready()}.
   */
  public static ReadPools create(Vertx vertx, SqlClient primary, ReplicaConfig cfg, PgConnectOptions connect,
                                 PoolOptions options, String name) {
    ReadPools r = new ReadPools(vertx, primary, false, cfg);
    for (ReplicaConfig.Endpoint e : cfg.hosts()) {
      PgConnectOptions o = new PgConnectOptions(connect).setHost(e.host()).setPort(e.port());
      r.replicas.add(new Replica(e.toString(), PgBuilder.pool().with(new PoolOptions(options)
        .setName(name + "-replica-" + e)).connectingTo(o).using(vertx).build()));
    }
    return r;
  }

  /**
   * Reads for a customers or favorites instance: a pipelined client of PG_READ_CONNECTIONS connections to the primary
   * and one to each replica ({@link PgConfig#readOptions}), all made and closed here. Single statements only: the
   * functions given to {@link #read} must not open transactions. Call from the verticle's start, then {@link #ready()}.
   */
  public static ReadPools pipelined(Vertx vertx, PgConfig pg, ReplicaConfig cfg, String name) {
    PgConnectOptions connect = pg.poolConnectOptions();
    ReadPools r = new ReadPools(vertx, PgBuilder.client().with(pg.readOptions(name + "-reads")).connectingTo(connect)
      .using(vertx).build(), true, cfg);
    for (ReplicaConfig.Endpoint e : cfg.hosts()) {
      PgConnectOptions o = new PgConnectOptions(connect).setHost(e.host()).setPort(e.port());
      r.replicas.add(new Replica(e.toString(), PgBuilder.client().with(pg.readOptions(name + "-reads-replica-" + e)
        .setConnectionTimeout(REPLICA_WAIT_SECONDS)).connectingTo(o).using(vertx).build()));
    }
    return r;
  }

  /**
   * Starts the change listeners and the measurements (nothing with no replica). Completes once the listeners are
   * registered, without waiting for a replica: until the first measurement finds one well, reads go to the primary, so
   * a replica down does not hold up the start.
   */
  public Future<Void> ready() {
    if (replicas.isEmpty()) {
      return Future.succeededFuture();
    }
    consumers.add(vertx.eventBus().consumer(Addresses.FAVORITES_ADDED, m -> noteEvent(m.body(), false)));
    consumers.add(vertx.eventBus().consumer(Addresses.FAVORITES_REMOVED, m -> noteEvent(m.body(), false)));
    consumers.add(vertx.eventBus().consumer(Addresses.CUSTOMERS_CHANGED, m -> noteEvent(m.body(), true)));
    timer = vertx.setPeriodic(cfg.checkIntervalMs(), t -> check());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).onSuccess(v -> check())
      .mapEmpty();
  }

  public boolean hasReplicas() {
    return !replicas.isEmpty();
  }

  /** Notes a change this verticle made (after its commit, before it replies). */
  public void changed(String key) {
    if (pins != null) {
      pins.changed(key, System.currentTimeMillis(), cfg.maxLagMs());
    }
  }

  private void noteEvent(JsonObject body, boolean customers) {
    String id = body == null ? null : body.getString("customerId");
    if (id != null) {
      changed(id);
    }
    if (customers) {
      changed(Pins.CUSTOMERS);
    }
  }

  /** {@link #read(String, Function, Predicate)} with nothing to confirm. */
  public <T> Future<T> read(String key, Function<SqlClient, Future<T>> op) {
    return read(key, op, null);
  }

  /**
   * Runs a read of {@code key} (null: not one customer's) on a replica that has replayed its last change, else on
   * the primary. Run again on the primary: when it fails on the replica, and when {@code confirm} says the replica's
   * answer may be one the replica cannot know yet (a row it does not have: created on the primary meanwhile).
   */
  public <T> Future<T> read(String key, Function<SqlClient, Future<T>> op, Predicate<T> confirm) {
    Replica r = choose(key);
    if (r == null) {
      return op.apply(primary);
    }
    return op.apply(r.pool).transform(ar -> {
      if (ar.failed()) {
        if (!(ar.cause() instanceof DatabaseException)) {
          r.state = DOWN;
          r.error = String.valueOf(ar.cause().getMessage());
        }
        LOG.warn("read on replica {} failed ({}); reading from the primary", r.name, ar.cause().toString());
        return op.apply(primary);
      }
      if (confirm != null && confirm.test(ar.result())) {
        return op.apply(primary);
      }
      return Future.succeededFuture(ar.result());
    });
  }

  private Replica choose(String key) {
    if (replicas.isEmpty()) {
      return null;
    }
    long now = System.currentTimeMillis();
    long changedAt = Long.MIN_VALUE;
    if (key != null) {
      if (pins.overflowing(now)) {
        return null;
      }
      changedAt = pins.changedAt(key);
    }
    int n = replicas.size();
    for (int i = 0; i < n; i++) {
      Replica r = replicas.get((next + i) % n);
      long visible = r.visibleBefore;
      if (UP.equals(r.state) && visible != Long.MIN_VALUE && now - visible <= cfg.maxLagMs() && changedAt < visible) {
        next = (next + i + 1) % n;
        return r;
      }
    }
    return null;
  }

  /** One measurement: the primary's LSN, then each replica's replay LSN. Never fails. */
  private Future<Void> check() {
    long t = System.currentTimeMillis();
    return primary.query("SELECT pg_current_wal_lsn()::text").execute()
      .map(rs -> {
        samples.addLast(new long[]{t, lsn(rs.iterator().next().getString(0))});
        while (samples.size() > 1 && samples.peekFirst()[0] < t - cfg.maxLagMs() - 2 * cfg.checkIntervalMs()) {
          samples.removeFirst();
        }
        pins.expire(t - cfg.maxLagMs());
        return (Void) null;
      })
      .otherwise(err -> {
        LOG.debug("primary LSN sample failed: {}", err.getMessage());
        return null;
      })
      .compose(v -> Future.join(replicas.stream().map(this::check).toList()).otherwiseEmpty().mapEmpty());
  }

  private Future<Void> check(Replica r) {
    return r.pool.query("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text").execute()
      .map(rs -> {
        Row row = rs.iterator().next();
        String replay = row.getString(1);
        if (!Boolean.TRUE.equals(row.getBoolean(0)) || replay == null) {
          setState(r, DOWN, "not a streaming standby (pg_is_in_recovery false or nothing replayed)");
          return (Void) null;
        }
        long replayed = lsn(replay);
        long visible = r.visibleBefore;
        for (long[] s : samples) {
          if (s[1] <= replayed) {
            visible = Math.max(visible, s[0]);
          }
        }
        r.visibleBefore = visible;
        if (visible == Long.MIN_VALUE) {
          // behind every sample taken since this pool owner started: lag unknown, at least the samples' age
          setState(r, LAGGING, "behind every primary LSN sample so far");
          return (Void) null;
        }
        long lag = System.currentTimeMillis() - visible;
        setState(r, lag <= cfg.maxLagMs() ? UP : LAGGING, lag <= cfg.maxLagMs() ? null : "lag " + lag + " ms");
        return (Void) null;
      })
      .otherwise(err -> {
        setState(r, DOWN, String.valueOf(err.getMessage()));
        return null;
      });
  }

  private void setState(Replica r, String state, String error) {
    if (!state.equals(r.state)) {
      if (UP.equals(state)) {
        LOG.info("replica {} takes reads", r.name);
      } else {
        LOG.warn("replica {} is {} ({}): its reads go elsewhere", r.name, state, error);
      }
    }
    r.state = state;
    r.error = error;
  }

  /** Each replica: {@code {status: UP|LAGGING|DOWN, lagMs}} by {@code host:port}; empty with none. */
  public JsonObject health() {
    JsonObject out = new JsonObject();
    long now = System.currentTimeMillis();
    for (Replica r : replicas) {
      JsonObject one = new JsonObject().put("status", r.state);
      if (r.visibleBefore != Long.MIN_VALUE) {
        one.put("lagMs", Math.max(0, now - r.visibleBefore));
      }
      if (r.error != null && !UP.equals(r.state)) {
        one.put("error", r.error);
      }
      out.put(r.name, one);
    }
    return out;
  }

  /**
   * Closes the replicas' clients and the primary's read client when made here ({@link #pipelined}; a pool given to
   * {@link #create} is its owner's), and stops the measurements.
   */
  public Future<Void> close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    List<Future<?>> all = new ArrayList<>();
    consumers.forEach(c -> all.add(c.unregister()));
    replicas.forEach(r -> all.add(r.pool.close()));
    if (ownsPrimary) {
      all.add(primary.close());
    }
    return Future.join(all).otherwiseEmpty().mapEmpty();
  }

  /** {@code X/Y} (hex halves) as one number. */
  static long lsn(String text) {
    int slash = text.indexOf('/');
    return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
  }
}
