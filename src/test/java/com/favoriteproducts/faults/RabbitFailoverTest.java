package com.favoriteproducts.faults;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.TcpProxy;
import com.favoriteproducts.support.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker endpoint the service uses lost mid-load, with a second one to fail over to. RABBITMQ_ADDRESSES is
 * {@code <proxy>,<the machine's broker>}: a TCP proxy in front of the machine's RabbitMQ (the second endpoint of the
 * issue, chosen over a second broker node: two nodes of one cluster would need a cluster of private nodes, and the
 * machine's broker must not be reconfigured), so the service connects through the proxy first. The test cuts the
 * proxy (every forwarded connection closed, the port refusing new ones) while adds and reads run: the service must
 * move to the second address by itself, lose no job (unconfirmed publications are republished by the sweeper,
 * unacknowledged deliveries go back to the queue) and answer every request meanwhile (adds are durable in PostgreSQL
 * whatever RabbitMQ does).
 */
@DisplayName("RabbitMQ endpoint lost mid-load: failover to the next of RABBITMQ_ADDRESSES")
class RabbitFailoverTest {

  /** Set when the app's configuration is built: it forwards to the broker the tests use. */
  static TcpProxy proxy;

  @RegisterExtension
  @Order(1)
  static final TestApp app = TestApp.perClass(c -> {
    proxy = new TcpProxy(TestApp.freePort(), c.getString("RABBITMQ_HOST"), c.getInteger("RABBITMQ_PORT"));
    proxy.start();
    return c.put("EVENTBUS_TIMEOUT_MS", Outage.EVENTBUS_TIMEOUT_MS)
      .put("RABBITMQ_ADDRESSES", "127.0.0.1:" + proxy.port() + "," + c.getString("RABBITMQ_HOST") + ":"
        + c.getInteger("RABBITMQ_PORT"))
      .put("RABBITMQ_RECONNECT_INTERVAL_MS", 300).put("JOBS_SWEEP_INTERVAL_MS", 500)
      .put("JOBS_UNPUBLISHED_AFTER_MS", 1000);
  });
  @RegisterExtension
  @Order(2)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  @AfterAll
  static void closeProxy() {
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  @DisplayName("connected through the first address; that endpoint cut under adds and reads: every request answered "
    + "(no 5xx), readiness UP again on the second address within seconds without a restart, every accepted add "
    + "stored exactly once")
  void failsOverToTheNextAddress() {
    assertThat(proxy.accepted()).as("the service connected through the first address (the proxy)").isPositive();
    List<String> customers = Outage.customersWithAFavorite(api, 4);
    long down;
    long recovered;
    Traffic traffic = new Traffic(api, customers, 3, 15_000);
    try {
      traffic.awaitSuccesses(3, 20_000, "adds and reads succeed before the cut");
      Eventually.elapse(1000, "load through the first address");
      down = System.currentTimeMillis();
      proxy.stop();
      int throughProxy = proxy.accepted();
      Eventually.until(15_000, "readiness UP again, on the second address",
        () -> Traffic.readinessIs(app, 200, "UP", Map.of()));
      assertThat(proxy.accepted()).as("no connection through the cut endpoint").isEqualTo(throughProxy);
      traffic.awaitSuccesses(3, 20_000, "adds and reads succeed after the failover");
      recovered = System.currentTimeMillis();
      Eventually.elapse(2000, "load goes on through the second address");
    } finally {
      traffic.close();
    }
    Traffic.assertAllSucceeded(traffic.between(down, recovered),
      "while failing over: adds are accepted durably, reads need no RabbitMQ");
    Traffic.assertAllSucceeded(traffic.between(0, down), "before the cut");
    Traffic.assertAllSucceeded(traffic.between(recovered, Long.MAX_VALUE), "after the failover");
    traffic.assertAcceptedAddsStoredOnce(30_000);
  }
}
