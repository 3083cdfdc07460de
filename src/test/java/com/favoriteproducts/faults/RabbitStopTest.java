package com.favoriteproducts.faults;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.PrivateRabbit;
import com.favoriteproducts.support.PrivateServer;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service on a RabbitMQ node of its own (a second node on this machine): the service starts before the node
 * exists, then the node boots; later the test kills it (SIGKILL to the Erlang VM) while adds and reads run, and boots
 * it again on the same ports and Mnesia directory. RabbitMQ only carries add jobs: adds are accepted durably in
 * PostgreSQL all along and processed once it is back. PostgreSQL and Redis are the shared test services.
 * (This replaces a test that cut RabbitMQ off with a TCP proxy: a killed broker also loses its connections' state,
 * unconfirmed publishes and unacked deliveries, which a proxy cut does not show.)
 */
@DisplayName("RabbitMQ stopped and started under adds and reads")
class RabbitStopTest {

  /** Started by the test, after the app. */
  @RegisterExtension
  @Order(1)
  static final PrivateServer rabbit = new PrivateRabbit().startedByTheTest();
  @RegisterExtension
  @Order(2)
  static final TestApp app = TestApp.perClass(c -> Outage.config(rabbit, c)
    .put("RABBITMQ_RECONNECT_INTERVAL_MS", 300).put("JOBS_SWEEP_INTERVAL_MS", 500).put("JOBS_UNPUBLISHED_AFTER_MS", 1000));
  @RegisterExtension
  @Order(3)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  @Test
  @DisplayName("the service starts without RabbitMQ (adds accepted, readiness DEGRADED) and uses it once it runs; "
    + "while it is down later: adds accepted (202) and reads served, readiness 200 DEGRADED rabbitmq DOWN; after it is "
    + "back, without a restart of the service: readiness UP, the jobs accepted meanwhile complete, every accepted add "
    + "stored once")
  void rabbitStopsAndStarts() {
    assertThat(Traffic.readinessIs(app, 200, "DEGRADED", Map.of("rabbitmq", "DOWN", "postgres", "UP")))
      .as("readiness before the node runs: " + Traffic.readiness(app)).isTrue();
    List<String> customers = new ArrayList<>();
    Map<String, String> addedBeforeTheNode = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      String c = api.newCustomer();
      customers.add(c);
      String p = app.fakeProducts.newProduct().getString("id");
      HttpResponse<Buffer> r = api.put(c, p);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
      addedBeforeTheNode.put(c, p);
    }
    assertThat(api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = ANY($1) AND status = 'pending'"
      + " AND published_at IS NULL", (Object) customers.stream().map(UUID::fromString).toArray(UUID[]::new)))
      .as("the jobs wait in PostgreSQL, unpublished").isEqualTo(4);

    rabbit.start();
    Eventually.until(20_000, "readiness is UP once the node runs", () -> Traffic.readinessIs(app, 200, "UP", Map.of()));
    Eventually.until(20_000, "the adds accepted before the node ran are stored", () -> addedBeforeTheNode.entrySet()
      .stream().allMatch(e -> api.storedProducts(e.getKey()).contains(e.getValue())));

    Outage outage = Outage.run(api, customers, rabbit, 3000, "RabbitMQ is down and the service degraded", 200,
      "DEGRADED", Map.of("rabbitmq", "DOWN"), () -> { }); // the boot keeps it down for several more seconds

    Traffic.assertOnlySuccessOr503(outage.during(), Outage.MAX_ANSWER_MS, "while RabbitMQ was down or booting");
    Traffic.assertAllSucceeded(outage.during(),
      "while RabbitMQ was down or booting: adds are accepted durably, reads need no RabbitMQ");
    assertThat(outage.traffic.between(outage.down + 500, outage.restarted).stream().filter(Traffic.Outcome::acceptedAdd))
      .as("adds were accepted while RabbitMQ was down").isNotEmpty();
    outage.assertSucceededBeforeAndAfter();
    outage.traffic.assertAcceptedAddsStoredOnce(30_000);
  }
}
