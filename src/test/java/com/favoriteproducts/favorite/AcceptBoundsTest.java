package com.favoriteproducts.favorite;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The accept path's queue is bounded, and an add whose caller gave up is not written later. The database is made
 * slow for one customer by holding a lock on its row (the accept statement's insert waits for it).
 */
@DisplayName("adds waiting for the database are bounded, and not applied once their caller has given up")
class AcceptBoundsTest {

  @RegisterExtension
  @Order(1)
  static final TestApp app = TestApp.perClass(c -> c.put("FAVORITES_INSTANCES", 1).put("FAVORITES_ACCEPT_QUEUE_MAX", 3)
    .put("EVENTBUS_TIMEOUT_MS", 2000));
  @RegisterExtension
  @Order(2)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  /** Holds the customer's row locked until the returned transaction ends (an add's accept statement waits for it). */
  static Transaction lock(SqlConnection conn, String customerId) {
    Transaction tx = await(conn.begin());
    await(conn.preparedQuery("SELECT 1 FROM customers WHERE id = $1 FOR UPDATE").execute(Tuple.of(UUID.fromString(customerId))));
    return tx;
  }

  private static Future<HttpResponse<Buffer>> add(String customerId, String productId) {
    return app.http.put("/v1/customers/" + customerId + "/favorites/" + productId).bearerTokenAuthentication(api.admin)
      .send();
  }

  private static long jobsFor(String customerId, String productId) {
    return api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1 AND product_id = $2",
      UUID.fromString(customerId), UUID.fromString(productId));
  }

  private static long lockWaiters() {
    return api.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
  }

  @Test
  @DisplayName("past FAVORITES_ACCEPT_QUEUE_MAX waiting adds, an add gets 503 + Retry-After at once and saves nothing")
  void queueBound() {
    String c = api.newCustomer();
    SqlConnection conn = await(app.db.getConnection());
    try {
      Transaction tx = lock(conn, c);
      List<String> products = new ArrayList<>();
      List<Future<HttpResponse<Buffer>>> waiting = new ArrayList<>();
      for (int i = 0; i < 2; i++) { // the two statements in flight, both blocked on the lock
        products.add(UUID.randomUUID().toString());
        waiting.add(add(c, products.get(i)));
      }
      Eventually.until(10_000, "both accept statements wait for the lock", () -> lockWaiters() >= 2);
      for (int i = 2; i < 5; i++) { // the queue: 3
        products.add(UUID.randomUUID().toString());
        waiting.add(add(c, products.get(i)));
      }
      Eventually.elapse(300, "the three adds reach the queue");
      String refused = UUID.randomUUID().toString();
      HttpResponse<Buffer> r = await(add(c, refused));
      assertProblem(r, 503);
      assertThat(r.getHeader("Retry-After")).isEqualTo("1");
      await(tx.commit());
      waiting.forEach(TestApp::await);
      Eventually.until(10_000, "the queued adds are accepted", () -> products.stream().allMatch(p -> jobsFor(c, p) == 1));
      assertThat(jobsFor(c, refused)).as("the refused add saved no job").isZero();
    } finally {
      conn.close();
    }
  }

  @Test
  @DisplayName("an add still queued when its caller gave up (503 after EVENTBUS_TIMEOUT_MS) is never applied")
  void givenUp() {
    String c = api.newCustomer();
    SqlConnection conn = await(app.db.getConnection());
    try {
      Transaction tx = lock(conn, c);
      List<Future<HttpResponse<Buffer>>> inFlight = new ArrayList<>();
      List<String> written = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
      written.forEach(p -> inFlight.add(add(c, p)));
      Eventually.until(10_000, "both accept statements wait for the lock", () -> lockWaiters() >= 2);
      String queued = UUID.randomUUID().toString();
      HttpResponse<Buffer> r = await(add(c, queued));
      assertProblem(r, 503);
      assertThat(r.getHeader("Retry-After")).isNotNull();
      for (Future<HttpResponse<Buffer>> f : inFlight) {
        assertThat(await(f).statusCode()).as("the edge gave up on the adds in flight too").isEqualTo(503);
      }
      await(tx.commit());
      // The two in the database's hands when their callers gave up are applied (and a retry answers their job).
      Eventually.until(10_000, "the adds being written are applied", () -> written.stream().allMatch(p -> jobsFor(c, p) == 1));
      Eventually.holdsFor(1_500, "the add whose caller gave up while it was queued is not applied",
        () -> jobsFor(c, queued) == 0);
      HttpResponse<Buffer> retry = await(add(c, written.get(0)));
      assertThat(retry.statusCode()).isIn(200, 202);
    } finally {
      conn.close();
    }
  }
}
