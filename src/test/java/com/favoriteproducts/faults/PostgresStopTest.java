package com.favoriteproducts.faults;

import com.favoriteproducts.faults.Traffic.Op;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.PrivatePostgres;
import com.favoriteproducts.support.TestApp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

  @RegisterExtension
  @Order(1)
  static final PrivatePostgres pg = new PrivatePostgres();
  @RegisterExtension
  @Order(2)
  static final TestApp app = TestApp.perClass(c -> Outage.config(pg, c)
    .put("JOBS_SWEEP_INTERVAL_MS", 500).put("JOBS_UNPUBLISHED_AFTER_MS", 1000).put("JOBS_RETRY_DELAYS_MS", "200,500"));
  @RegisterExtension
  @Order(3)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  @Test
  @DisplayName("while PostgreSQL is down: only successes or 503 with Retry-After, readiness 503 postgres DOWN; "
    + "after it is back, without a restart of the service: requests succeed, readiness UP, every accepted add stored once")
  void postgresStopsAndStarts() {
    List<String> customers = Outage.customersWithAFavorite(api, 4);
    assertThat(Traffic.readiness(app).getString("status")).isEqualTo("UP");

    Outage outage = Outage.run(api, customers, pg, 5000, "PostgreSQL is down", 503, "DOWN", Map.of("postgres", "DOWN"),
      () -> { });

    Traffic.assertOnlySuccessOr503(outage.during(), Outage.MAX_ANSWER_MS, "while PostgreSQL was down or coming back");
    assertThat(outage.during()).as("adds need PostgreSQL: some were refused with 503")
      .anyMatch(o -> o.op() == Op.ADD && o.status() == 503);
    outage.assertSucceededBeforeAndAfter();
    outage.traffic.assertAcceptedAddsStoredOnce(30_000);
    assertThat(api.put(customers.get(0), app.fakeProducts.newProduct().getString("id"), api.admin, 10).statusCode())
      .isEqualTo(201);
  }
}
