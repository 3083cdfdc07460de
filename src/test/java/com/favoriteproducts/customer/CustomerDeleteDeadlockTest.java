package com.favoriteproducts.customer;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A customer delete that PostgreSQL rolls back to break a deadlock is run again, not answered 503. The deadlock is
 * the one the contract fuzzer met: a job row of the customer that the delete's cancel did not lock (here a finished
 * job) is held by another transaction, which then waits for the customer row the DELETE holds.
 */
class CustomerDeleteDeadlockTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  @Test
  @DisplayName("DELETE /v1/customers/{id} caught in a deadlock: 204 after the transaction runs again; the customer and its jobs gone")
  void deadlockedDeleteIsRunAgain() {
    String admin = app.adminToken();
    UUID customer = UUID.fromString(app.createCustomer(admin).getString("id"));
    UUID job = UUID.randomUUID();
    await(app.db.preparedQuery("INSERT INTO favorite_jobs (id, customer_id, product_id, status, updated_at)"
      + " VALUES ($1, $2, $3, 'done', now())").execute(Tuple.of(job, customer, UUID.randomUUID())));

    SqlConnection other = await(app.db.getConnection());
    try {
      Transaction tx = await(other.begin());
      // 1. The other transaction holds the finished job's row.
      await(other.preparedQuery("SELECT 1 FROM favorite_jobs WHERE id = $1 FOR UPDATE").execute(Tuple.of(job)));
      // 2. The delete locks the customer row, and its cascade waits for the job row.
      Future<HttpResponse<Buffer>> delete = app.http.delete("/v1/customers/" + customer)
        .bearerTokenAuthentication(admin).send();
      Eventually.until(10_000, "the DELETE waits for the job row", () -> await(app.db.query(
          "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM customers%'")
        .execute()).iterator().next().getLong(0) > 0);
      // 3. The other transaction now waits for the customer row: a deadlock, which PostgreSQL breaks (after
      //    deadlock_timeout) by rolling back the DELETE's transaction, the first to wait. This statement then goes on.
      await(other.preparedQuery("SELECT 1 FROM customers WHERE id = $1 FOR KEY SHARE").execute(Tuple.of(customer)));
      assertThat(delete.isComplete()).as("the delete waits for its second run").isFalse();
      await(tx.rollback());

      HttpResponse<Buffer> r = await(delete);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(204);
      assertThat(await(app.db.preparedQuery("SELECT (SELECT count(*) FROM customers WHERE id = $1)"
          + " + (SELECT count(*) FROM favorite_jobs WHERE customer_id = $1)").execute(Tuple.of(customer)))
        .iterator().next().getLong(0)).isZero();
    } finally {
      other.close();
    }
  }
}
