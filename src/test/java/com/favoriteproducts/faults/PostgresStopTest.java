package com.favoriteproducts.faults;

import com.favoriteproducts.faults.Traffic.Op;
import com.favoriteproducts.faults.Traffic.Outcome;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.PrivatePostgres;
import com.favoriteproducts.support.TestApp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service on a PostgreSQL of its own, which the test kills ({@code pg_ctl stop -m immediate}) for several seconds
 * while adds and reads run, then starts again on the same port and data directory. Redis and RabbitMQ are the
 * shared test services.
 */
@DisplayName("PostgreSQL stopped and started under adds and reads")
class PostgresStopTest {

  static final long EVENTBUS_TIMEOUT_MS = 3000;
  /** The slowest answer allowed: the edge's own timeout, plus room for a loaded 2-core machine. */
  static final long MAX_ANSWER_MS = EVENTBUS_TIMEOUT_MS + 3000;
  static final long DOWN_MS = 5000;

  @RegisterExtension
  @Order(1)
  static final PrivatePostgres pg = new PrivatePostgres();
  @RegisterExtension
  @Order(2)
  static final TestApp app = TestApp.perClass(c -> pg.configure(c).put("EVENTBUS_TIMEOUT_MS", EVENTBUS_TIMEOUT_MS)
    .put("JOBS_SWEEP_INTERVAL_MS", 500).put("JOBS_UNPUBLISHED_AFTER_MS", 1000).put("JOBS_RETRY_DELAYS_MS", "200,500"));
  @RegisterExtension
  @Order(3)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  @Test
  @DisplayName("while PostgreSQL is down: only successes or 503 with Retry-After, readiness 503 postgres DOWN; "
    + "after it is back, without a restart of the service: requests succeed, readiness UP, every accepted add stored once")
  void postgresStopsAndStarts() {
    List<String> customers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      customers.add(api.newCustomer());
      api.addNow(customers.get(i), app.fakeProducts.newProduct().getString("id"));
    }
    assertThat(Traffic.readiness(app).getString("status")).isEqualTo("UP");

    long down;
    long recovered;
    Traffic traffic = new Traffic(api, customers, 3, 15_000);
    try {
      traffic.awaitSuccesses(3, 20_000, "adds and reads succeed before the stop");
      down = System.currentTimeMillis();
      pg.stop();
      Eventually.until(10_000, "readiness says PostgreSQL is down",
        () -> Traffic.readinessIs(app, 503, "DOWN", Map.of("postgres", "DOWN")));
      Eventually.pastDeadline(java.time.Instant.ofEpochMilli(down + DOWN_MS), "PostgreSQL stays down for a while");
      pg.start();
      Eventually.until(20_000, "readiness is UP again", () -> Traffic.readinessIs(app, 200, "UP", Map.of()));
      traffic.awaitSuccesses(3, 20_000, "adds and reads succeed again after the restart");
      recovered = System.currentTimeMillis();
      Eventually.elapse(2000, "traffic goes on after the recovery");
    } finally {
      traffic.close();
    }

    Traffic.assertAllSucceeded(traffic.between(0, down), "before the stop");
    List<Outcome> outage = traffic.between(down, recovered);
    Traffic.assertOnlySuccessOr503(outage, MAX_ANSWER_MS, "while PostgreSQL was down or coming back");
    assertThat(outage).as("adds need PostgreSQL: some were refused with 503")
      .anyMatch(o -> o.op() == Op.ADD && o.status() == 503);
    Traffic.assertAllSucceeded(traffic.between(recovered, Long.MAX_VALUE), "after the recovery");
    traffic.assertAcceptedAddsStoredOnce(30_000);

    String c = customers.get(0);
    assertThat(api.put(c, app.fakeProducts.newProduct().getString("id"), api.admin, 10).statusCode()).isEqualTo(201);
  }
}
