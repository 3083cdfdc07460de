package com.favoriteproducts.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The ceiling of this machine for {@code make bench}: the fastest a Vert.x HTTP server answers here, with nothing
 * between the socket and the response but what the mode names. Not a test and not part of the production jar.
 *
 * <pre>
 *   CeilingServer fixed [port]   every request gets the same pre-encoded JSON body (about a customer's size)
 *   CeilingServer pg [port]      every request does one primary-key SELECT of a random row of bench_ceiling
 * </pre>
 *
 * <p>Speed choices follow TechEmpower's Vert.x entry: one verticle instance per core (event loop), pre-built header
 * names and values, and in {@code pg} mode one pipelined client per instance (default one connection, up to 256
 * statements in flight on it; TechEmpower's entry pipelines on one connection per event loop) and the prepared statement
 * cached on the connection. vertx-pg-client 5.0.7 pipelines only on {@code PgBuilder.client()}: a
 * {@code PgBuilder.pool()} connection carries one statement at a time whatever its pipelining limit (the ceiling of
 * runs before 2026-12-04 was such a pool; {@code CEILING_PG_CLIENT=pool} measures it again). The {@code pg} mode creates and fills {@code bench_ceiling}
 * ({@value #ROWS} rows) in the database named by {@code PG_DATABASE} when the table is missing or empty.
 *
 * <p>Environment: {@code PG_HOST}, {@code PG_PORT}, {@code PG_DATABASE} (default favorites_bench), {@code PG_USER},
 * {@code PG_PASSWORD}, {@code CEILING_INSTANCES} (default: cores), {@code CEILING_PG_CONNECTIONS} (per instance,
 * default 1), {@code CEILING_PG_PIPELINING} (default 256), {@code CEILING_PG_CLIENT} ({@code pipelined}, the default, or
 * {@code pool}: a pool of that many connections, not pipelined). Prints {@code ready} on stdout once it listens.
 */
public final class CeilingServer {

  static final int ROWS = 10_000;
  static final String SELECT = "SELECT id, name, email FROM bench_ceiling WHERE id = $1";

  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("content-type");
  private static final CharSequence CONTENT_LENGTH = HttpHeaders.createOptimized("content-length");
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private CeilingServer() {
  }

  public static void main(String[] args) {
    if (args.length < 1 || !(args[0].equals("fixed") || args[0].equals("pg"))) {
      System.err.println("usage: CeilingServer fixed|pg [port]");
      System.exit(2);
    }
    String mode = args[0];
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8102;
    int instances = Env.integer("CEILING_INSTANCES", Runtime.getRuntime().availableProcessors());
    JsonObject config = new JsonObject().put("port", port)
      .put("connections", Env.integer("CEILING_PG_CONNECTIONS", 1))
      .put("pipelining", Env.integer("CEILING_PG_PIPELINING", 256))
      .put("client", Env.str("CEILING_PG_CLIENT", "pipelined"));
    if (!config.getString("client").equals("pipelined") && !config.getString("client").equals("pool")) {
      System.err.println("CEILING_PG_CLIENT must be pipelined or pool");
      System.exit(2);
    }

    // The service's transport (its NATIVE_TRANSPORT, default true), so that the ceiling runs the same stack.
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(
      !"false".equalsIgnoreCase(Env.str("NATIVE_TRANSPORT", "true"))));
    System.out.println("transport: " + (vertx.isNativeTransportEnabled() ? "native (epoll)" : "NIO"));
    try {
      if (mode.equals("pg")) {
        prepareTable(vertx).await();
      }
      DeploymentOptions options = new DeploymentOptions().setInstances(instances).setConfig(config);
      vertx.deployVerticle(mode.equals("pg") ? PgSelectVerticle.class : FixedVerticle.class, options).await();
    } catch (Throwable e) {
      System.err.println("ceiling server (" + mode + ") failed to start: " + e);
      vertx.close();
      System.exit(1);
    }
    System.out.println("ready: ceiling server mode=" + mode + " port=" + port + " instances=" + instances
      + (mode.equals("pg") ? " pg-connections-per-instance=" + config.getInteger("connections") + " pg-client="
      + config.getString("client") : ""));
  }

  static PgConnectOptions connectOptions(int pipelining) {
    PgConnectOptions o = new PgConnectOptions().setHost(Env.str("PG_HOST", "127.0.0.1"))
      .setPort(Env.integer("PG_PORT", 5432)).setDatabase(Env.str("PG_DATABASE", "favorites_bench"))
      .setUser(Env.str("PG_USER", "postgres")).setCachePreparedStatements(true).setPipeliningLimit(pipelining);
    String password = Env.str("PG_PASSWORD", "");
    if (!password.isEmpty()) {
      o.setPassword(password);
    }
    return o;
  }

  /** Creates and fills bench_ceiling when missing or empty (one connection, then closed). */
  private static Future<Void> prepareTable(Vertx vertx) {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(connectOptions(1)).using(vertx)
      .build();
    return pool.query("CREATE TABLE IF NOT EXISTS bench_ceiling (id integer PRIMARY KEY, name text NOT NULL,"
        + " email text NOT NULL)").execute()
      .compose(v -> pool.query("SELECT count(*) FROM bench_ceiling").execute())
      .compose(rs -> rs.iterator().next().getLong(0) >= ROWS ? Future.succeededFuture()
        : pool.query("INSERT INTO bench_ceiling SELECT i, 'Ceiling Customer ' || i, 'ceiling-' || i || '@example.com'"
          + " FROM generate_series(1, " + ROWS + ") AS i ON CONFLICT (id) DO NOTHING").execute())
      .<Void>mapEmpty()
      .eventually(pool::close);
  }

  /** Answers every request with the same pre-encoded JSON body. */
  public static final class FixedVerticle extends VerticleBase {

    private static final Buffer BODY = Buffer.buffer(new JsonObject()
      .put("id", "3f8e7c2a-1b4d-4e6f-9a0b-c1d2e3f4a5b6").put("name", "Ceiling Customer")
      .put("email", "ceiling@example.com").put("createdAt", "2025-01-01T00:00:00Z")
      .put("updatedAt", "2025-01-01T00:00:00Z").encode());
    private static final CharSequence BODY_LENGTH = HttpHeaders.createOptimized(String.valueOf(BODY.length()));

    @Override
    public Future<?> start() {
      return vertx.createHttpServer(serverOptions()).requestHandler(this::handle)
        .listen(config().getInteger("port"));
    }

    private void handle(HttpServerRequest req) {
      req.response().putHeader(CONTENT_TYPE, JSON).putHeader(CONTENT_LENGTH, BODY_LENGTH).end(BODY);
    }
  }

  /** Answers every request with one row read by primary key (a random id in 1..ROWS), encoded as JSON. */
  public static final class PgSelectVerticle extends VerticleBase {

    private SqlClient pool;
    private PreparedQuery<RowSet<Row>> select;
    private HttpServer server;

    @Override
    public Future<?> start() {
      JsonObject c = config();
      PoolOptions options = new PoolOptions().setMaxSize(c.getInteger("connections")).setShared(false);
      PgConnectOptions connect = connectOptions(c.getInteger("pipelining"));
      pool = c.getString("client").equals("pool")
        ? PgBuilder.pool().with(options).connectingTo(connect).using(vertx).build()
        : PgBuilder.client().with(options).connectingTo(connect).using(vertx).build();
      select = pool.preparedQuery(SELECT);
      // Open the connections (and prepare the statement) before taking traffic.
      return select.execute(Tuple.of(1))
        .compose(rs -> vertx.createHttpServer(serverOptions()).requestHandler(this::handle).listen(c.getInteger("port")))
        .onSuccess(s -> server = s);
    }

    private void handle(HttpServerRequest req) {
      int id = 1 + ThreadLocalRandom.current().nextInt(ROWS);
      select.execute(Tuple.of(id)).onComplete(ar -> {
        if (ar.failed()) {
          req.response().setStatusCode(500).end();
          return;
        }
        Row row = ar.result().iterator().next();
        Buffer body = new JsonObject().put("id", row.getInteger(0)).put("name", row.getString(1))
          .put("email", row.getString(2)).toBuffer();
        req.response().putHeader(CONTENT_TYPE, JSON).end(body);
      });
    }

    @Override
    public Future<?> stop() {
      return server == null ? pool.close() : server.close().eventually(pool::close);
    }
  }

  private static HttpServerOptions serverOptions() {
    return new HttpServerOptions().setHost("127.0.0.1").setTcpNoDelay(true);
  }
}
