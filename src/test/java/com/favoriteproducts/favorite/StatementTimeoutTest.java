package com.favoriteproducts.favorite;

import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("PG_STATEMENT_TIMEOUT_MS: a statement stuck in PostgreSQL is cancelled and answered 503 + Retry-After")
class StatementTimeoutTest {

  @RegisterExtension
  @Order(1)
  static final TestApp app = TestApp.perClass(c -> c.put("PG_STATEMENT_TIMEOUT_MS", 1000)
    .put("EVENTBUS_TIMEOUT_MS", 8000));
  @RegisterExtension
  @Order(2)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  @Test
  @DisplayName("an add whose statement waits on a lock past the timeout: 503 + Retry-After from the service, nothing saved")
  void cancelled() {
    String c = api.newCustomer();
    String p = UUID.randomUUID().toString();
    SqlConnection conn = await(app.db.getConnection());
    try {
      Transaction tx = AcceptBoundsTest.lock(conn, c);
      HttpResponse<Buffer> r = await(app.http.put("/v1/customers/" + c + "/favorites/" + p)
        .bearerTokenAuthentication(api.admin).send());
      JsonObject problem = assertProblem(r, 503);
      assertThat(r.getHeader("Retry-After")).isEqualTo("1");
      assertThat(problem.getString("detail")).as("answered by the service, not by the edge's timeout")
        .doesNotContain("timed out");
      await(tx.commit());
    } finally {
      conn.close();
    }
    assertThat(api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1", UUID.fromString(c)))
      .as("the cancelled statement saved nothing").isZero();
    assertThat(api.put(c, app.fakeProducts.newProduct().getString("id")).statusCode()).as("and the pool still works")
      .isEqualTo(202);
  }
}
