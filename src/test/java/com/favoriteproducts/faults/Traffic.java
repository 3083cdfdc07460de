package com.favoriteproducts.faults;

import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adds and reads running against a test app while a dependency stops and starts: a few client threads, each in a
 * loop of one add (a fresh product for one of the customers), one favorites list and one customer read, with every
 * outcome recorded (status, {@code Retry-After}, media type, duration, client-side failure). The assertions the
 * fault tests share are here: during an outage only successes or 503 problems with {@code Retry-After}, no answer
 * slower than the service's own timeouts, and every accepted add stored exactly once in the end.
 */
final class Traffic implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Traffic.class);

  enum Op { ADD, LIST, CUSTOMER }

  record Outcome(Op op, String customerId, String productId, long startedAt, long millis, int status,
                 String retryAfter, String contentType, String body, String clientError) {

    boolean success() {
      return status >= 200 && status < 300 || status == 304;
    }

    boolean acceptedAdd() {
      return op == Op.ADD && (status == 201 || status == 202);
    }

    @Override
    public String toString() {
      return op + " " + customerId + "/" + productId + " -> " + (clientError != null ? clientError : status
        + (retryAfter != null ? " Retry-After: " + retryAfter : "") + " " + contentType + " " + body) + " in " + millis + " ms";
    }
  }

  private final TestApp app;
  private final FavoritesClient api;
  private final List<String> customers;
  private final long requestTimeoutMs;
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger next = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();

  /**
   * Starts {@code clients} loops over {@code customers}; {@code requestTimeoutMs} is the client's own timeout (a
   * request still unanswered then is recorded as a hang).
   */
  Traffic(FavoritesClient api, List<String> customers, int clients, long requestTimeoutMs) {
    this.api = api;
    this.app = api.app;
    this.customers = List.copyOf(customers);
    this.requestTimeoutMs = requestTimeoutMs;
    for (int i = 0; i < clients; i++) {
      Thread t = new Thread(this::loop, "traffic-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void loop() {
    while (running.get()) {
      String c = customers.get(Math.floorMod(next.getAndIncrement(), customers.size()));
      String p = app.fakeProducts.newProduct().getString("id");
      call(Op.ADD, c, p, app.http.put("/v1/customers/" + c + "/favorites/" + p));
      call(Op.LIST, c, null, app.http.get("/v1/customers/" + c + "/favorites?limit=100"));
      call(Op.CUSTOMER, c, null, app.http.get("/v1/customers/" + c));
      pause(20);
    }
  }

  private void call(Op op, String customerId, String productId, HttpRequest<Buffer> request) {
    long start = System.currentTimeMillis();
    try {
      HttpResponse<Buffer> r = request.bearerTokenAuthentication(api.admin).timeout(requestTimeoutMs).send()
        .await(requestTimeoutMs + 5000, TimeUnit.MILLISECONDS);
      String body = r.bodyAsString();
      outcomes.add(new Outcome(op, customerId, productId, start, System.currentTimeMillis() - start, r.statusCode(),
        r.getHeader("Retry-After"), r.getHeader("Content-Type"), body == null ? "" : body.substring(0, Math.min(300, body.length())),
        null));
    } catch (Exception e) {
      outcomes.add(new Outcome(op, customerId, productId, start, System.currentTimeMillis() - start, -1, null, null,
        null, e.toString()));
    }
  }

  /** Stops the loops (waiting for the requests in flight). */
  @Override
  public void close() {
    running.set(false);
    for (Thread t : threads) {
      try {
        t.join(requestTimeoutMs + 10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  List<Outcome> all() {
    return new ArrayList<>(outcomes);
  }

  /** The outcomes of requests sent at or after {@code from} and before {@code to} (epoch milliseconds). */
  List<Outcome> between(long from, long to) {
    return outcomes.stream().filter(o -> o.startedAt() >= from && o.startedAt() < to).toList();
  }

  /** Waits until at least {@code n} more requests of each kind were answered successfully. */
  void awaitSuccesses(int n, long timeoutMs, String what) {
    long from = System.currentTimeMillis();
    com.favoriteproducts.support.Eventually.until(timeoutMs, what, () -> {
      Map<Op, Long> ok = between(from, Long.MAX_VALUE).stream().filter(Outcome::success)
        .collect(Collectors.groupingBy(Outcome::op, Collectors.counting()));
      return Set.of(Op.values()).stream().allMatch(op -> ok.getOrDefault(op, 0L) >= n);
    });
  }

  /**
   * Every outcome is a success or a 503 problem with {@code Retry-After}, none was a client-side failure (a hang
   * past the client's timeout, a reset connection), none took longer than {@code maxMillis}.
   */
  static void assertOnlySuccessOr503(List<Outcome> outcomes, long maxMillis, String phase) {
    assertThat(outcomes).as(phase + ": nothing was sent").isNotEmpty();
    List<String> wrong = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o.clientError() != null) {
        wrong.add("a client-side failure or hang: " + o);
      } else if (!o.success() && o.status() != 503) {
        wrong.add("neither a success nor a 503: " + o);
      } else if (o.status() == 503 && o.retryAfter() == null) {
        wrong.add("a 503 without Retry-After: " + o);
      } else if (o.status() == 503 && !String.valueOf(o.contentType()).startsWith("application/problem+json")) {
        wrong.add("a 503 that is not a problem: " + o);
      } else if (o.millis() > maxMillis) {
        wrong.add("slower than " + maxMillis + " ms: " + o);
      }
    }
    LOG.info("{}: {}", phase, summary(outcomes));
    assertThat(wrong).as(phase + ": " + wrong.size() + " of " + outcomes.size() + " requests").isEmpty();
  }

  /** Counts by operation and status, and the slowest answer: "ADD 202x31 503x9, LIST 200x40; slowest 1012 ms". */
  static String summary(List<Outcome> outcomes) {
    Map<Op, Map<Integer, Long>> counts = outcomes.stream().collect(Collectors.groupingBy(Outcome::op,
      java.util.TreeMap::new, Collectors.groupingBy(Outcome::status, java.util.TreeMap::new, Collectors.counting())));
    String byOp = counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().entrySet().stream()
      .map(s -> s.getKey() + "x" + s.getValue()).collect(Collectors.joining(" "))).collect(Collectors.joining(", "));
    return byOp + "; slowest " + outcomes.stream().mapToLong(Outcome::millis).max().orElse(0) + " ms";
  }

  /** Every outcome is a success. */
  static void assertAllSucceeded(List<Outcome> outcomes, String phase) {
    assertThat(outcomes).as(phase + ": nothing was sent").isNotEmpty();
    assertThat(outcomes.stream().filter(o -> !o.success()).toList()).as(phase + ": every request succeeds").isEmpty();
  }

  /** The adds answered 201 or 202. */
  List<Outcome> acceptedAdds() {
    return outcomes.stream().filter(Outcome::acceptedAdd).toList();
  }

  /**
   * Waits until every accepted add is stored, then checks each is stored exactly once: one favorites row, its job
   * done (none failed), and each customer's favorites counter equal to its rows.
   */
  void assertAcceptedAddsStoredOnce(long timeoutMs) {
    List<Outcome> accepted = acceptedAdds();
    assertThat(accepted).as("some adds were accepted").isNotEmpty();
    com.favoriteproducts.support.Eventually.until(timeoutMs, accepted.size() + " accepted adds are stored",
      () -> accepted.stream().allMatch(o -> stored(o.customerId(), o.productId()) == 1));
    for (Outcome o : accepted) {
      assertThat(stored(o.customerId(), o.productId())).as("stored exactly once: " + o).isEqualTo(1);
      assertThat(api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1 AND product_id = $2"
          + " AND status <> 'done'", UUID.fromString(o.customerId()), UUID.fromString(o.productId())))
        .as("no job of an accepted add left pending or failed: " + o).isZero();
    }
    for (String c : customers) {
      Row counts = await(app.db.preparedQuery("SELECT favorites_count, (SELECT count(*) FROM favorites f"
        + " WHERE f.customer_id = c.id) FROM customers c WHERE id = $1").execute(Tuple.of(UUID.fromString(c))))
        .iterator().next();
      assertThat(counts.getLong(0)).as("customer " + c + "'s favorites counter equals its rows").isEqualTo(counts.getLong(1));
    }
  }

  private long stored(String customerId, String productId) {
    return api.count("SELECT count(*) FROM favorites WHERE customer_id = $1 AND product_id = $2",
      UUID.fromString(customerId), UUID.fromString(productId));
  }

  /** Readiness as JSON with its status code in {@code httpStatus}; null when it did not answer. */
  static JsonObject readiness(TestApp app) {
    try {
      HttpResponse<Buffer> r = app.http.get("/health/ready").timeout(5000).send().await(10, TimeUnit.SECONDS);
      return r.bodyAsJsonObject().put("httpStatus", r.statusCode());
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * Readiness answers {@code httpStatus} with {@code status} and the given checks ("postgres", "redis", "rabbitmq",
   * "products" to "UP", "DOWN", "DEGRADED").
   */
  static boolean readinessIs(TestApp app, int httpStatus, String status, Map<String, String> checks) {
    JsonObject r = readiness(app);
    return r != null && r.getInteger("httpStatus") == httpStatus && status.equals(r.getString("status"))
      && checks.entrySet().stream().allMatch(e -> e.getValue().equals(r.getJsonObject("checks").getString(e.getKey())));
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
