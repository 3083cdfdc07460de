package com.favoriteproducts.faults;

import com.favoriteproducts.faults.Traffic.Outcome;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.PrivateServer;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One outage of a private server under {@link Traffic}, as every fault test runs it: traffic until adds and reads
 * succeed, the server stopped, readiness saying so, the server kept down for a while, started again, readiness
 * {@code UP} and requests succeeding again, a little more traffic. Its time windows split the outcomes into before,
 * during (down or coming back) and after the recovery.
 */
final class Outage {

  /** The edge's event-bus timeout in the fault tests: the longest a request waits inside the service. */
  static final long EVENTBUS_TIMEOUT_MS = 3000;
  /** The slowest answer allowed during an outage: that timeout plus room for a loaded 2-core machine. */
  static final long MAX_ANSWER_MS = EVENTBUS_TIMEOUT_MS + 3000;

  final Traffic traffic;
  /** When the stop began, when the start began, when requests were seen succeeding again (epoch milliseconds). */
  final long down;
  final long restarted;
  final long recovered;

  private Outage(Traffic traffic, long down, long restarted, long recovered) {
    this.traffic = traffic;
    this.down = down;
    this.restarted = restarted;
    this.recovered = recovered;
  }

  /** The service configured for a fault test on {@code server}. */
  static JsonObject config(PrivateServer server, JsonObject config) {
    return server.configure(config).put("EVENTBUS_TIMEOUT_MS", EVENTBUS_TIMEOUT_MS);
  }

  /** {@code n} new customers, each with one favorite stored. */
  static List<String> customersWithAFavorite(FavoritesClient api, int n) {
    List<String> customers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      customers.add(api.newCustomer());
      api.addNow(customers.get(i), api.app.fakeProducts.newProduct().getString("id"));
    }
    return customers;
  }

  /**
   * Runs the outage with traffic over {@code customers}: {@code readinessDown} must become true after the stop (within
   * 10 s), {@code whileDown} runs then, and the server stays down at least {@code downMs} (a slow boot keeps it down
   * longer). Fails if the service does not recover within 20 s of the start.
   */
  static Outage run(FavoritesClient api, List<String> customers, PrivateServer server, long downMs,
                    String readinessWhileDown, int httpStatus, String status, Map<String, String> checks,
                    Runnable whileDown) {
    long down;
    long restarted;
    long recovered;
    Traffic traffic = new Traffic(api, customers, 3, 15_000);
    try {
      traffic.awaitSuccesses(3, 20_000, "adds and reads succeed before the stop");
      down = System.currentTimeMillis();
      server.stop();
      Eventually.until(10_000, "readiness says " + readinessWhileDown,
        () -> Traffic.readinessIs(api.app, httpStatus, status, checks));
      whileDown.run();
      Eventually.pastDeadline(Instant.ofEpochMilli(down + downMs), "the server stays down for a while");
      restarted = System.currentTimeMillis();
      server.start();
      Eventually.until(20_000, "readiness is UP again", () -> Traffic.readinessIs(api.app, 200, "UP", Map.of()));
      traffic.awaitSuccesses(3, 20_000, "adds and reads succeed again after the restart");
      recovered = System.currentTimeMillis();
      Eventually.elapse(1000, "traffic goes on after the recovery");
    } finally {
      traffic.close();
    }
    return new Outage(traffic, down, restarted, recovered);
  }

  /** While the server was down or coming back. */
  List<Outcome> during() {
    return traffic.between(down, recovered);
  }

  /** Everything before the stop and after the recovery succeeded. */
  void assertSucceededBeforeAndAfter() {
    Traffic.assertAllSucceeded(traffic.between(0, down), "before the stop");
    Traffic.assertAllSucceeded(traffic.between(recovered, Long.MAX_VALUE), "after the recovery");
  }
}
