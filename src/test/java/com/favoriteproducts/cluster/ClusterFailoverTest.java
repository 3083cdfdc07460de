package com.favoriteproducts.cluster;

import com.favoriteproducts.support.ClusterHarness;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.NodeProcess;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three JVMs on loopback, clustered with Hazelcast: one edge node ({@code http}) and two worker nodes
 * ({@code customers,favorites,favorites-jobs,products}). The REST API is driven through the edge; the workers serve it
 * over the clustered event bus.
 */
@DisplayName("a cluster of nodes in separate JVMs")
class ClusterFailoverTest {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterFailoverTest.class);
  static final String WORKER = "customers,favorites,favorites-jobs,products";
  static final int CUSTOMERS = 10;

  ClusterHarness cluster;
  NodeProcess edge;
  NodeProcess worker1;
  NodeProcess worker2;
  WebClient api;
  String admin;
  List<String> customers;
  List<String> products;

  record Outcome(String customerId, String productId, int status, long millis) {
  }

  @BeforeEach
  void startCluster() {
    cluster = new ClusterHarness();
    worker1 = cluster.start("worker1", WORKER);
    worker2 = cluster.start("worker2", WORKER);
    edge = cluster.start("edge", "http");
    for (NodeProcess n : List.of(worker1, worker2, edge)) {
      n.awaitStarted(Duration.ofSeconds(90));
    }
    api = cluster.client(edge);
    cluster.awaitMembers(api, 3, Duration.ofSeconds(60));
    admin = cluster.adminToken(api);
    customers = new ArrayList<>();
    for (int i = 0; i < CUSTOMERS; i++) {
      String email = "cluster-" + UUID.randomUUID() + "@example.com";
      HttpResponse<Buffer> r = await(api.post("/v1/customers").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("name", "Cluster " + i).put("email", email)));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      customers.add(r.bodyAsJsonObject().getString("id"));
    }
    products = cluster.productIds(40);
  }

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * Sends {@code total} adds (distinct customer x product pairs), {@code concurrency} at a time, and runs
   * {@code midway} once {@code at} responses have arrived.
   */
  private List<Outcome> load(int total, int concurrency, int at, Runnable midway) {
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    Promise<Void> done = Promise.promise();
    AtomicInteger running = new AtomicInteger(concurrency);
    Runnable[] step = new Runnable[1];
    step[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= total) {
        if (running.decrementAndGet() == 0) {
          done.tryComplete();
        }
        return;
      }
      String c = customers.get(i % customers.size());
      String p = products.get(i / customers.size() % products.size());
      long t0 = System.nanoTime();
      api.put("/v1/customers/" + c + "/favorites/" + p).bearerTokenAuthentication(admin).timeout(20_000).send()
        .onComplete(ar -> {
          int status = ar.succeeded() ? ar.result().statusCode() : -1;
          outcomes.add(new Outcome(c, p, status, (System.nanoTime() - t0) / 1_000_000));
          if (answered.incrementAndGet() == at) {
            cluster.vertx.executeBlocking(() -> {
              midway.run();
              return null;
            }).onComplete(x -> step[0].run());
          } else {
            step[0].run();
          }
        });
    };
    for (int i = 0; i < concurrency; i++) {
      cluster.vertx.runOnContext(v -> step[0].run());
    }
    try {
      done.future().await(180, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("load did not finish: " + e);
    }
    java.util.Map<Integer, Long> byStatus = new java.util.TreeMap<>();
    outcomes.forEach(o -> byStatus.merge(o.status, 1L, Long::sum));
    LOG.info("load: {} requests, by status {}, slowest {} ms", outcomes.size(), byStatus,
      outcomes.stream().mapToLong(Outcome::millis).max().orElse(0));
    return new ArrayList<>(outcomes);
  }

  private Set<String> storedPairs() {
    Set<String> stored = new HashSet<>();
    for (Row r : await(cluster.db.preparedQuery("SELECT customer_id, product_id FROM favorites WHERE customer_id = ANY($1)")
      .execute(Tuple.of(customers.stream().map(UUID::fromString).toArray(UUID[]::new))))) {
      stored.add(r.getUUID(0) + "/" + r.getValue(1).toString().toLowerCase());
    }
    return stored;
  }

  private static boolean accepted(Outcome o) {
    return o.status == 200 || o.status == 201 || o.status == 202;
  }

  private void assertEveryAcceptedAddIsStored(List<Outcome> outcomes) {
    Set<String> expected = new HashSet<>();
    outcomes.stream().filter(ClusterFailoverTest::accepted).forEach(o -> expected.add(o.customerId + "/" + o.productId));
    assertThat(expected).isNotEmpty();
    Eventually.until(90_000, expected.size() + " accepted adds stored", () -> storedPairs().containsAll(expected));
  }

  @Test
  @DisplayName("a worker killed mid-load (SIGKILL): requests fail fast then recover on the survivor, every accepted add is stored")
  void workerKilledMidLoad() {
    // Through the edge, served by the workers: a customer read works.
    assertThat(await(api.get("/v1/customers/" + customers.get(0)).bearerTokenAuthentication(admin).send()).statusCode())
      .isEqualTo(200);

    List<Outcome> outcomes = load(300, 8, 60, () -> worker1.kill());
    assertThat(worker1.isAlive()).isFalse();

    // Nothing hangs: every request got an answer well before the client's 20 s timeout.
    assertThat(outcomes).hasSize(300);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.millis).isLessThan(15_000));
    // Failures are explicit 503 problems (the requests in flight to the dead node), never a hang or a 500.
    assertThat(outcomes).allSatisfy(o -> assertThat(o.status).isIn(200, 201, 202, 503));
    // The cluster recovered: the last 50 requests were all accepted by the surviving worker.
    assertThat(outcomes.subList(outcomes.size() - 50, outcomes.size())).allMatch(ClusterFailoverTest::accepted);

    // Jobs the dead node held unacked are redelivered by RabbitMQ; unconfirmed publishes are swept: none is lost.
    assertEveryAcceptedAddIsStored(outcomes);
    var failedJobs = await(cluster.db.preparedQuery("SELECT count(*) FROM favorite_jobs WHERE customer_id = ANY($1) AND status = 'failed'")
      .execute(Tuple.of(customers.stream().map(UUID::fromString).toArray(UUID[]::new))));
    assertThat(failedJobs.iterator().next().getLong(0)).isZero();
    // And reads keep working.
    assertThat(await(api.get("/v1/customers/" + customers.get(1) + "/favorites").bearerTokenAuthentication(admin).send())
      .statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("SIGTERM on a worker mid-load and on the edge with a request in flight: graceful, nothing accepted is lost")
  void gracefulShutdown() {
    List<Outcome> outcomes = load(300, 8, 60, () -> {
      int code = worker1.terminate(Duration.ofSeconds(30));
      assertThat(code).as("exit code after SIGTERM").isEqualTo(143);
    });
    assertThat(worker1.output()).contains("shutting down").contains("stopped");
    assertThat(outcomes).allSatisfy(o -> assertThat(o.status).isIn(200, 201, 202, 503));
    assertEveryAcceptedAddIsStored(outcomes);

    // The edge finishes a request in flight before it stops: a slow add waiting for its job.
    cluster.fakeProducts.faults(new JsonObject().put("latencyMs", 1500));
    // A product nobody looked up before (not in any cache): its lookup takes the full 1.5 s.
    String product = cluster.fakeProducts.newProduct().getString("id");
    long sent = System.nanoTime();
    Future<HttpResponse<Buffer>> slow = api.put("/v1/customers/" + customers.get(0) + "/favorites/" + product)
      .bearerTokenAuthentication(admin).putHeader("Prefer", "wait=10").timeout(20_000).send();
    Eventually.until(10_000, "the slow add's product lookup reached the product API (the request is in flight)",
      () -> cluster.fakeProducts.calls(product) > 0);
    long t0 = System.nanoTime();
    int code = edge.terminate(Duration.ofSeconds(30));
    HttpResponse<Buffer> r = await(slow);
    LOG.info("slow request answered {} after {} ms (SIGTERM at {} ms): {}", r.statusCode(),
      (System.nanoTime() - sent) / 1_000_000, (t0 - sent) / 1_000_000, r.bodyAsString());
    assertThat(r.statusCode()).as(r.bodyAsString()).isIn(201, 202);
    assertThat(code).isEqualTo(143);
    assertThat((System.nanoTime() - t0) / 1_000_000).as("the edge waited for the request in flight").isGreaterThan(500);
    // It no longer takes requests.
    assertThat(api.get("/health/live").send().toCompletionStage().toCompletableFuture()
      .handle((ok, err) -> err != null).join()).isTrue();
    cluster.fakeProducts.faults(new JsonObject().put("latencyMs", 0));
  }
}
