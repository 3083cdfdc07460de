package com.favoriteproducts.scale;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.PrivatePostgres;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service on a private PostgreSQL primary with a streaming replica of it ({@code pg_basebackup -R}) that replays
 * 2 s late ({@code recovery_min_apply_delay}), PG_READ_HOSTS naming the replica. Shows that reads are served by the
 * replica (its statistics grow, the primary's do not), that a client reads its own writes at once although the
 * replica lags, and that a replica stopped under reads costs no error (readiness DEGRADED, still 200).
 */
@Tag("scale")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("PostgreSQL read replicas")
class ReadReplicasTest {

  static final long APPLY_DELAY_MS = 2000;

  @RegisterExtension
  @Order(1)
  static final PrivatePostgres primary = new PrivatePostgres();
  @RegisterExtension
  @Order(2)
  static final PrivatePostgres replica = PrivatePostgres.replicaOf(primary, APPLY_DELAY_MS);
  @RegisterExtension
  @Order(3)
  static final TestApp app = TestApp.perClass(c -> primary.configure(c)
    .put("PG_READ_HOSTS", "127.0.0.1:" + replica.port).put("PG_READ_CHECK_INTERVAL_MS", 200)
    // the edge's response cache would answer repeated reads itself
    .put("RESPONSE_CACHE_SIZE", 0));
  @RegisterExtension
  @Order(4)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  static Pool replicaDb;

  @BeforeAll
  static void connectToReplica() {
    replicaDb = PgBuilder.pool().with(new PoolOptions().setMaxSize(1).setName("replica-test-" + UUID.randomUUID()))
      .connectingTo(new io.vertx.pgclient.PgConnectOptions().setHost("127.0.0.1").setPort(replica.port)
        .setDatabase(app.config.getString("PG_DATABASE")).setUser("postgres"))
      .using(app.vertx).build();
  }

  @AfterAll
  static void close() {
    if (replicaDb != null) {
      replicaDb.close();
    }
  }

  private static String replicaKey() {
    return "127.0.0.1:" + replica.port;
  }

  private static JsonObject readiness() {
    HttpResponse<Buffer> r = await(app.http.get("/health/ready").send());
    return r.bodyAsJsonObject().put("httpStatus", r.statusCode());
  }

  private static JsonObject replicaHealth() {
    JsonObject replicas = readiness().getJsonObject("checks").getJsonObject("postgresReplicas");
    return replicas == null ? new JsonObject() : replicas.getJsonObject(replicaKey(), new JsonObject());
  }

  /** Index and sequential scans of the favorites table, as the server of {@code db} counted them. */
  private static long favoritesScans(Pool db) {
    return await(db.query("SELECT coalesce(idx_scan, 0) + coalesce(seq_scan, 0) FROM pg_stat_user_tables"
      + " WHERE relname = 'favorites'").execute()).iterator().next().getLong(0);
  }

  /** A count on the replica; its statistics flushed at once (the test's own scans must not show up later). */
  private static long replicaRows(String sql, Object... params) {
    long n = await(replicaDb.preparedQuery(sql).execute(Tuple.from(params))).iterator().next().getLong(0);
    await(replicaDb.query("SELECT pg_stat_force_next_flush()").execute());
    return n;
  }

  @Test
  @Order(1)
  @DisplayName("with the primary idle, the replica is UP with about no lag, and the favorites reads of customers who"
    + " changed nothing recently are served by the replica (its scans grow, the primary's do not)")
  void readsGoToTheReplica() {
    String customer = api.newCustomer();
    api.addNow(customer, app.fakeProducts.newProduct().getString("id"));
    // More than the apply delay with nothing written: an idle primary must not look like lag.
    Eventually.elapse(APPLY_DELAY_MS + 1500, "let the replica replay and the primary stay idle");
    JsonObject h = replicaHealth();
    assertThat(h.getString("status")).as("replica health %s", h).isEqualTo("UP");
    assertThat(h.getLong("lagMs")).as("lag of an idle primary's replica").isLessThan(1000);
    assertThat(readiness().getString("status")).isEqualTo("UP");

    long onReplica = favoritesScans(replicaDb);
    long onPrimary = favoritesScans(app.db);
    int reads = 40;
    for (int i = 0; i < reads; i++) {
      HttpResponse<Buffer> r = api.list(customer, null);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    }
    // statistics are flushed about once a second
    Eventually.until(10_000, "the replica counted the reads", () -> favoritesScans(replicaDb) >= onReplica + reads);
    Eventually.elapse(1500, "let the primary flush its statistics too");
    assertThat(favoritesScans(app.db) - onPrimary).as("favorites scans on the primary during %d reads", reads)
      .isLessThan(5);
  }

  @Test
  @Order(2)
  @DisplayName("read-your-writes with the replica 2 s behind: a new customer, an add (Prefer: wait) and its job, a"
    + " remove, a customer update and a delete are all seen by the very next read")
  void readYourWrites() {
    String customer = api.newCustomer();
    assertThat(api.get("/v1/customers/" + customer, api.admin).statusCode()).as("the new customer").isEqualTo(200);

    String product = app.fakeProducts.newProduct().getString("id");
    api.addNow(customer, product);
    assertThat(replicaRows("SELECT count(*) FROM favorites WHERE customer_id = $1", UUID.fromString(customer)))
      .as("the replica really lags: it does not have the favorite yet").isZero();
    HttpResponse<Buffer> list = api.list(customer, null);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    assertThat(api.get("/v1/customers/" + customer + "/favorites/" + product, api.admin).statusCode()).isEqualTo(200);
    String jobId = await(app.db.preparedQuery("SELECT id FROM favorite_jobs WHERE customer_id = $1")
      .execute(Tuple.of(UUID.fromString(customer)))).iterator().next().getUUID(0).toString();
    assertThat(api.jobStatus(jobId)).isEqualTo("done");

    // A pending add and its job, read at once
    String second = app.fakeProducts.newProduct().getString("id");
    HttpResponse<Buffer> accepted = api.put(customer, second);
    assertThat(accepted.statusCode()).isIn(201, 202);
    Eventually.until(10_000, "the second add's job is seen done", () -> api.jobs(customer, "done") == 2);
    String secondJob = await(app.db.preparedQuery("SELECT id FROM favorite_jobs WHERE customer_id = $1 AND"
      + " product_id = $2").execute(Tuple.of(UUID.fromString(customer), UUID.fromString(second)))).iterator().next()
      .getUUID(0).toString();
    assertThat(api.jobStatus(secondJob)).as("a job done on the primary, read at once").isEqualTo("done");

    // Changes of rows the replica has (past the pins of the writes above), so that it shows the old state
    Eventually.until(10_000, "the replica has both favorites", () -> replicaRows(
      "SELECT count(*) FROM favorites WHERE customer_id = $1", UUID.fromString(customer)) == 2);
    assertThat(api.delete(customer, product).statusCode()).isEqualTo(204);
    assertThat(replicaRows("SELECT count(*) FROM favorites WHERE customer_id = $1 AND product_id = $2",
      UUID.fromString(customer), UUID.fromString(product))).as("the replica still has the removed favorite").isOne();
    assertThat(api.get("/v1/customers/" + customer + "/favorites/" + product, api.admin).statusCode()).isEqualTo(404);
    assertThat(api.list(customer, null).bodyAsJsonObject().getJsonArray("items")).hasSize(1);

    String email = "renamed-" + UUID.randomUUID() + "@example.com";
    HttpResponse<Buffer> put = await(app.http.put("/v1/customers/" + customer).bearerTokenAuthentication(api.admin)
      .sendJsonObject(new JsonObject().put("name", "Renamed").put("email", email)));
    assertThat(put.statusCode()).isEqualTo(200);
    JsonObject read = api.get("/v1/customers/" + customer, api.admin).bodyAsJsonObject();
    assertThat(read.getString("name")).isEqualTo("Renamed");
    HttpResponse<Buffer> byEmail = api.get("/v1/customers?email=" + email, api.admin);
    assertThat(byEmail.bodyAsJsonObject().getJsonArray("items")).as("lookup by the new email").hasSize(1);

    HttpResponse<Buffer> deleted = await(app.http.delete("/v1/customers/" + customer)
      .bearerTokenAuthentication(api.admin).send());
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(replicaRows("SELECT count(*) FROM customers WHERE id = $1", UUID.fromString(customer)))
      .as("the replica still has the deleted customer").isOne();
    assertThat(api.get("/v1/customers/" + customer, api.admin).statusCode()).isEqualTo(404);
    assertThat(api.list(customer, null).statusCode()).isEqualTo(404);
  }

  @Test
  @Order(3)
  @DisplayName("a replica behind by more than PG_READ_MAX_LAG_MS while the primary is written: LAGGING, readiness"
    + " DEGRADED (200), and its reads go to the primary; caught up, it takes reads again")
  void laggingReplicaIsLeftOut() {
    JsonObject config = primary.configure(TestApp.defaultConfig()).put("PG_READ_HOSTS", replicaKey())
      .put("PG_READ_CHECK_INTERVAL_MS", 200).put("PG_READ_MAX_LAG_MS", 1000).put("RESPONSE_CACHE_SIZE", 0);
    try (TestApp lagApp = TestApp.start(config)) {
      FavoritesClient lagApi = FavoritesClient.of(lagApp);
      String reader = lagApi.newCustomer();
      lagApi.addNow(reader, lagApp.fakeProducts.newProduct().getString("id"));
      // Commits every 100 ms keep the replica about 2 s (its apply delay, which holds commit records) behind.
      await(lagApp.db.query("CREATE TABLE IF NOT EXISTS lag_ticks (at timestamptz)").execute());
      long writer = lagApp.vertx.setPeriodic(100, t -> lagApp.db.query("INSERT INTO lag_ticks VALUES (now())")
        .execute());
      try {
        JsonObject[] last = new JsonObject[1];
        try {
          Eventually.until(20_000, "the replica is LAGGING", () -> {
            JsonObject r = await(lagApp.http.get("/health/ready").send()).bodyAsJsonObject();
            last[0] = r;
            JsonObject h = r.getJsonObject("checks").getJsonObject("postgresReplicas").getJsonObject(replicaKey());
            return "LAGGING".equals(h.getString("status")) && "DEGRADED".equals(r.getString("status"));
          });
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "; last readiness " + last[0] + "; ticks "
            + api.count("SELECT count(*) FROM lag_ticks"), e);
        }
        assertThat(await(lagApp.http.get("/health/ready").send()).statusCode()).isEqualTo(200);
        // every pool owner measures on its own: let the favorites instances see it too
        Eventually.elapse(1500, "let every instance measure the lag and the replica flush its statistics");
        long onReplica = favoritesScans(replicaDb);
        for (int i = 0; i < 20; i++) {
          HttpResponse<Buffer> r = lagApi.list(reader, null);
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.bodyAsJsonObject().getJsonArray("items")).hasSize(1);
        }
        Eventually.elapse(1500, "let the replica flush its statistics");
        assertThat(favoritesScans(replicaDb) - onReplica).as("favorites scans on the lagging replica").isZero();
      } finally {
        lagApp.vertx.cancelTimer(writer);
      }
      Eventually.until(15_000, "the replica is UP again once the writes stop", () -> {
        JsonObject r = await(lagApp.http.get("/health/ready").send()).bodyAsJsonObject();
        return "UP".equals(r.getJsonObject("checks").getJsonObject("postgresReplicas").getJsonObject(replicaKey())
          .getString("status"));
      });
    }
  }

  @Test
  @Order(4)
  @DisplayName("the replica stopped under reads: no error, readiness 200 DEGRADED with the replica DOWN; back, UP again")
  void replicaStopsUnderReads() {
    List<String> customers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String c = api.newCustomer();
      api.addNow(c, app.fakeProducts.newProduct().getString("id"));
      customers.add(c);
    }
    Eventually.elapse(APPLY_DELAY_MS + 1000, "let the replica catch up");
    List<Integer> statuses = new ArrayList<>();
    long stopAt = System.currentTimeMillis() + 1000;
    long endAt = stopAt + 4000;
    boolean stopped = false;
    JsonObject during = null;
    int i = 0;
    while (System.currentTimeMillis() < endAt) {
      if (!stopped && System.currentTimeMillis() >= stopAt) {
        replica.stop();
        stopped = true;
      }
      String c = customers.get(i++ % customers.size());
      statuses.add(api.list(c, null).statusCode());
      statuses.add(api.get("/v1/customers/" + c, api.admin).statusCode());
      if (stopped && during == null && System.currentTimeMillis() > stopAt + 1000) {
        during = readiness();
      }
    }
    assertThat(statuses).as("answers while the replica stopped").isNotEmpty().containsOnly(200);
    assertThat(during).isNotNull();
    assertThat(during.getInteger("httpStatus")).isEqualTo(200);
    assertThat(during.getString("status")).as("readiness %s", during).isEqualTo("DEGRADED");
    assertThat(during.getJsonObject("checks").getJsonObject("postgresReplicas").getJsonObject(replicaKey())
      .getString("status")).isEqualTo("DOWN");

    replica.start();
    Eventually.until(30_000, "the replica is UP again", () -> "UP".equals(replicaHealth().getString("status"))
      && "UP".equals(readiness().getString("status")));
  }
}
