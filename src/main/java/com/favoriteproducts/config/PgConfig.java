package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.str;

/** PostgreSQL settings (PG_* keys). */
public record PgConfig(String host, int port, String database, String user, String password, int poolSize,
                       int pipeliningLimit) {

  public static PgConfig from(JsonObject c) {
    return new PgConfig(str(c, "PG_HOST", "127.0.0.1"), integer(c, "PG_PORT", 5432), str(c, "PG_DATABASE", "favorites"),
      str(c, "PG_USER", "postgres"), str(c, "PG_PASSWORD", ""), integer(c, "PG_POOL_SIZE", 8),
      integer(c, "PG_PIPELINING_LIMIT", 256));
  }

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

  public PoolOptions poolOptions(String name) {
    return new PoolOptions().setMaxSize(poolSize).setName(name).setShared(false).setMaxWaitQueueSize(10_000)
      .setConnectionTimeout(5);
  }
}
