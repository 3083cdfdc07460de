package com.favoriteproducts.favorite;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/** favorites_jobs_pending and favorites_jobs_oldest_pending_seconds follow the jobs table (JOBS_BACKLOG_*). */
@DisplayName("job backlog gauges")
class JobBacklogTest {

  @Test
  @DisplayName("with RabbitMQ unreachable an accepted add stays pending: the gauges count it and its age grows")
  void pendingJobsCounted() {
    // RabbitMQ unreachable: adds are accepted (durable in PostgreSQL) and stay pending
    JsonObject config = TestApp.defaultConfig().put("RABBITMQ_PORT", TestApp.freePort())
      .put("JOBS_BACKLOG_INTERVAL_MS", 200);
    try (TestApp app = TestApp.start(config)) {
      String admin = app.adminToken();
      String c = app.createCustomer(admin).getString("id");
      String p = app.fakeProducts.newProduct().getString("id");
      int added = await(app.http.post("/v1/customers/" + c + "/favorites").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("productId", p))).statusCode();
      assertThat(added).isEqualTo(202);

      Eventually.until(10_000, "the pending gauge counts every pending job of the table, ours included", () -> {
        long inTable = pendingInTable(app);
        return inTable >= 1 && gauge(app, "favorites_jobs_pending") == inTable;
      });
      Eventually.until(10_000, "the oldest pending job's age passes 1 s", () ->
        gauge(app, "favorites_jobs_oldest_pending_seconds") >= 1.0);
    }
  }

  @Test
  @DisplayName("JOBS_BACKLOG_SCAN_LIMIT caps the count; JOBS_BACKLOG_INTERVAL_MS=0 publishes no gauge")
  void boundedAndOff() {
    JsonObject config = TestApp.defaultConfig().put("RABBITMQ_PORT", TestApp.freePort())
      .put("JOBS_BACKLOG_INTERVAL_MS", 200).put("JOBS_BACKLOG_SCAN_LIMIT", 1);
    try (TestApp app = TestApp.start(config)) {
      String admin = app.adminToken();
      for (int i = 0; i < 2; i++) {
        String c = app.createCustomer(admin).getString("id");
        String p = app.fakeProducts.newProduct().getString("id");
        assertThat(await(app.http.post("/v1/customers/" + c + "/favorites").bearerTokenAuthentication(admin)
          .sendJsonObject(new JsonObject().put("productId", p))).statusCode()).isEqualTo(202);
      }
      assertThat(pendingInTable(app)).isGreaterThanOrEqualTo(2);
      Eventually.until(10_000, "the count stops at the scan limit, 1", () -> gauge(app, "favorites_jobs_pending") == 1.0);
    }
    try (TestApp app = TestApp.start(TestApp.defaultConfig().put("JOBS_BACKLOG_INTERVAL_MS", 0))) {
      String metrics = await(app.http.get("/metrics").send()).bodyAsString();
      assertThat(metrics).contains("favorites_jobs_").doesNotContain("favorites_jobs_pending")
        .doesNotContain("favorites_jobs_oldest_pending_seconds");
    }
  }

  private static long pendingInTable(TestApp app) {
    Row r = await(app.db.query("SELECT count(*) AS n FROM favorite_jobs WHERE status = 'pending'").execute())
      .iterator().next();
    return r.getLong("n");
  }

  /** The value of an unlabelled gauge in /metrics; NaN when absent. */
  private static double gauge(TestApp app, String name) {
    String body = await(app.http.get("/metrics").send()).bodyAsString();
    Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$").matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}
