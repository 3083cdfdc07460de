package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.Rabbit;
import com.favoriteproducts.support.TcpProxy;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RabbitMQ reached through a TCP proxy the test opens and closes: the service starts without it, loses it, and gets
 * it back. Adds are accepted durably all along and processed once RabbitMQ answers.
 */
@DisplayName("favorites while RabbitMQ is unreachable")
class RabbitOutageTest {

  @Test
  @DisplayName("adds are accepted (202, job pending in PostgreSQL) while RabbitMQ is unreachable, at start and after a loss, and stored once it is back")
  void rabbitUnreachable() {
    JsonObject base = TestApp.defaultConfig();
    int proxyPort = TestApp.freePort();
    JsonObject config = base.copy().put("RABBITMQ_HOST", "127.0.0.1").put("RABBITMQ_PORT", proxyPort)
      .put("RABBITMQ_QUEUE_PREFIX", base.getString("RABBITMQ_QUEUE_PREFIX") + "-outage")
      .put("RABBITMQ_RECONNECT_INTERVAL_MS", 300).put("JOBS_SWEEP_INTERVAL_MS", 300)
      .put("JOBS_UNPUBLISHED_AFTER_MS", 300);
    try (TcpProxy proxy = new TcpProxy(proxyPort, base.getString("RABBITMQ_HOST"), base.getInteger("RABBITMQ_PORT"));
         TestApp app = TestApp.start(config)) {
      FavoritesClient api = FavoritesClient.of(app);
      JsonObject ready = await(app.http.get("/health/ready").send()).bodyAsJsonObject();
      assertThat(ready.getString("status")).isEqualTo("DEGRADED");
      assertThat(ready.getJsonObject("checks").getString("rabbitmq")).isEqualTo("DOWN");

      String c = api.newCustomer();
      List<String> first = addSome(api, c, app, 3);
      assertThat(api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1 AND status = 'pending'"
        + " AND published_at IS NULL", UUID.fromString(c))).isEqualTo(3);

      proxy.start(); // RabbitMQ is back: the service reconnects, declares its topology, and the sweeper publishes
      Eventually.until(15_000, "the adds accepted while RabbitMQ was unreachable are stored",
        () -> api.storedProducts(c).containsAll(first));
      assertThat(await(app.http.get("/health/ready").send()).bodyAsJsonObject().getJsonObject("checks").getString("rabbitmq"))
        .isEqualTo("UP");

      proxy.stop(); // lost while running
      Eventually.until(5000, "readiness reports RabbitMQ down", () -> "DOWN".equals(await(app.http.get("/health/ready").send())
        .bodyAsJsonObject().getJsonObject("checks").getString("rabbitmq")));
      List<String> second = addSome(api, c, app, 2);
      Eventually.holdsFor(1000, "the adds stay pending and unstored while RabbitMQ is unreachable",
        () -> api.jobs(c, "pending") == 2 && api.storedProducts(c).size() == 3);
      assertThat(api.jobs(c, "pending")).isEqualTo(2); // durable, waiting for RabbitMQ
      assertThat(api.storedProducts(c)).hasSize(3);
      proxy.start();
      Eventually.until(15_000, "the adds accepted after the loss are stored", () -> api.storedProducts(c).containsAll(second));
      assertThat(api.storedProducts(c)).hasSize(5);
      assertThat(api.jobs(c, "done")).isEqualTo(5);
    } finally {
      Rabbit.deleteTopology(io.vertx.core.Vertx.vertx(), config.copy().put("RABBITMQ_PORT", base.getInteger("RABBITMQ_PORT")));
    }
  }

  private static List<String> addSome(FavoritesClient api, String customerId, TestApp app, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String p = app.fakeProducts.newProduct().getString("id");
      HttpResponse<Buffer> r = api.put(customerId, p);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
      ids.add(p);
    }
    return ids;
  }
}
