package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.longValue;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * PostgreSQL settings (PG_* keys).
 *
 * @param poolSize           PG_POOL_SIZE: connections per pool (one pool per verticle instance that uses PostgreSQL);
 *                           0 when unset: {@code Main} derives it from PG_MAX_CONNECTIONS ({@link #budget}) and sets it
 *                           in each verticle's configuration
 * @param maxConnections     PG_MAX_CONNECTIONS: the connections this process may open in all, shared by its pools
 * @param statementTimeoutMs PG_STATEMENT_TIMEOUT_MS: {@code statement_timeout} of every pooled connection (0 = none);
 *                           a statement cancelled by it (SQLSTATE 57014) is answered 503
 * @param maxWait            PG_POOL_MAX_WAIT: requests waiting for a connection per pool; more fail at once (503)
 * @param readConnections    PG_READ_CONNECTIONS: connections of each customers and favorites instance's pipelined read
 *                           client ({@link #readOptions}), taken from that instance's share of PG_MAX_CONNECTIONS
 *                           ({@link #budget}); 0: none, the instance reads on its pool
 */
public record PgConfig(String host, int port, String database, String user, String password, int poolSize,
                       int pipeliningLimit, int maxConnections, long statementTimeoutMs, int maxWait,
                       int readConnections) {

  /** A pool's size when none was set or derived (a verticle deployed without {@code Main}). */
  static final int FALLBACK_POOL_SIZE = 4;
  public static final String APPLICATION_NAME = "favorite-products";

  /** Without the password (a record's own toString would print it into any log line that names this). */
  @Override
  public String toString() {
    return "PgConfig[" + user + "@" + host + ":" + port + "/" + database + ", password " + (password.isEmpty() ? "none"
      : "set") + ", poolSize " + poolSize + ", maxConnections " + maxConnections + "]";
  }

  public static PgConfig from(JsonObject c) {
    int poolSize = integer(c, "PG_POOL_SIZE", 0);
    int maxConnections = integer(c, "PG_MAX_CONNECTIONS", 20);
    long statementTimeout = longValue(c, "PG_STATEMENT_TIMEOUT_MS", 10_000);
    int maxWait = integer(c, "PG_POOL_MAX_WAIT", 1024);
    int readConnections = integer(c, "PG_READ_CONNECTIONS", 1);
    if (poolSize < 0 || maxConnections < 1 || statementTimeout < 0 || maxWait < 0 || readConnections < 0) {
      throw new IllegalArgumentException("PG_POOL_SIZE, PG_POOL_MAX_WAIT and PG_READ_CONNECTIONS must be 0 or more,"
        + " PG_MAX_CONNECTIONS positive, PG_STATEMENT_TIMEOUT_MS 0 (none) or more; got " + poolSize + ", " + maxWait
        + ", " + readConnections + ", " + maxConnections + ", " + statementTimeout);
    }
    return new PgConfig(str(c, "PG_HOST", "127.0.0.1"), integer(c, "PG_PORT", 5432), str(c, "PG_DATABASE", "favorites"),
      str(c, "PG_USER", "postgres"), str(c, "PG_PASSWORD", ""), poolSize, integer(c, "PG_PIPELINING_LIMIT", 256),
      maxConnections, statementTimeout, maxWait, readConnections);
  }

  /**
   * The pool size of each role's instances, given how many instances of each role this process deploys.
   *
   * @param customers one pool each
   * @param favorites one pool each
   * @param jobs      one pool each; what is left of an even split goes to these (they store every add)
   * @param webhooks  one pool each (the webhook dispatcher and admin API)
   * @param reads     connections of each customers and favorites instance's pipelined read client; 0: none, that
   *                  instance reads on its pool
   * @param total     all of them: the pools' and the read clients'
   */
  public record Budget(int customers, int favorites, int jobs, int webhooks, int reads, int total) {
  }

  /**
   * Divides PG_MAX_CONNECTIONS among the pools (customers, favorites, favorites-jobs and webhooks instances): each gets
   * an even share, the favorites-jobs pools also what is left. A customers or favorites instance's share is split
   * between its pool and its read client: PG_READ_CONNECTIONS for the reads, as long as the pool keeps at least one
   * (with a share of one connection the instance has no read client and reads on its pool).
   * PG_POOL_SIZE, when set, is used as it is for every pool, and PG_READ_CONNECTIONS added for each read client (the
   * total may then exceed the budget: the caller warns).
   *
   * @throws IllegalArgumentException when the budget cannot give every pool one connection
   */
  public Budget budget(int customers, int favorites, int jobs, int webhooks) {
    int pools = customers + favorites + jobs + webhooks;
    if (pools == 0) {
      return new Budget(0, 0, 0, 0, 0, 0);
    }
    int readers = customers + favorites;
    if (poolSize > 0) {
      return new Budget(poolSize, poolSize, poolSize, poolSize, readConnections,
        poolSize * pools + readConnections * readers);
    }
    int share = maxConnections / pools;
    if (share < 1) {
      throw new IllegalArgumentException("PG_MAX_CONNECTIONS=" + maxConnections + " cannot give each of the " + pools
        + " PostgreSQL pools one connection (" + customers + " customers, " + favorites + " favorites, " + jobs
        + " favorites-jobs, " + webhooks + " webhooks instances): raise it, lower"
        + " CUSTOMERS_INSTANCES/FAVORITES_INSTANCES/JOBS_INSTANCES/WEBHOOKS_INSTANCES, or set PG_POOL_SIZE");
    }
    int reads = Math.min(readConnections, share - 1);
    int jobsShare = jobs == 0 ? share : share + (maxConnections - share * pools) / jobs;
    return new Budget(share - reads, share - reads, jobsShare, share, reads,
      share * (customers + favorites + webhooks) + jobsShare * jobs);
  }

  /** A verticle's configuration with its pool size set (what {@link #from} then reads as PG_POOL_SIZE). */
  public static JsonObject withPoolSize(JsonObject config, int poolSize) {
    return config.copy().put("PG_POOL_SIZE", poolSize);
  }

  /** Also its read client's size (PG_READ_CONNECTIONS; 0: none). */
  public static JsonObject withPoolSize(JsonObject config, int poolSize, int readConnections) {
    return withPoolSize(config, poolSize).put("PG_READ_CONNECTIONS", readConnections);
  }

  /** For single connections (migrations, creating the database): no statement timeout. */
  public PgConnectOptions connectOptions() {
    return connectOptions(database);
  }

  public PgConnectOptions connectOptions(String db) {
    PgConnectOptions o = new PgConnectOptions().setHost(host).setPort(port).setDatabase(db).setUser(user)
      .setCachePreparedStatements(true).setPipeliningLimit(pipeliningLimit).setReconnectAttempts(2)
      .setReconnectInterval(500);
    if (!password.isEmpty()) {
      o.setPassword(password);
    }
    return o;
  }

  /**
   * For the verticles' pools: {@code statement_timeout} set when each connection starts (a startup parameter), and
   * {@code application_name} {@value #APPLICATION_NAME} (so {@code pg_stat_activity} shows whose connections they are).
   */
  public PgConnectOptions poolConnectOptions() {
    PgConnectOptions o = connectOptions().addProperty("application_name", APPLICATION_NAME);
    if (statementTimeoutMs > 0) {
      o.addProperty("statement_timeout", Long.toString(statementTimeoutMs));
    }
    return o;
  }

  /**
   * For a read client ({@code PgBuilder.client()}, pipelined: up to PG_PIPELINING_LIMIT statements in flight on each
   * of its PG_READ_CONNECTIONS connections, a new connection only when those are full): single statements only, no
   * transaction. Its wait queue is bounded by PG_POOL_MAX_WAIT like a pool's.
   */
  public PoolOptions readOptions(String name) {
    return new PoolOptions().setMaxSize(readConnections).setName(name).setShared(false).setMaxWaitQueueSize(maxWait)
      .setConnectionTimeout(5);
  }

  public PoolOptions poolOptions(String name) {
    return new PoolOptions().setMaxSize(poolSize > 0 ? poolSize : FALLBACK_POOL_SIZE).setName(name).setShared(false)
      .setMaxWaitQueueSize(maxWait).setConnectionTimeout(5);
  }
}
