package com.favoriteproducts.http;

import com.favoriteproducts.Main;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/** A worker (no http verticle) serves its probes and metrics on HEALTH_PORT, asking only its own verticles. */
@DisplayName("worker node probes (HEALTH_PORT)")
class NodeHealthTest {

  /** A worker whose HEALTH_PORT is the port TestApp's client points at. */
  private static JsonObject worker(String verticles) {
    JsonObject c = TestApp.defaultConfig().put("VERTICLES", verticles);
    return c.put("HEALTH_PORT", c.getInteger("HTTP_PORT"));
  }

  @Test
  @DisplayName("live 200, ready 200 with this node's PostgreSQL, RabbitMQ and product checks, metrics scrapeable")
  void workerProbes() {
    try (TestApp app = TestApp.start(worker("customers,favorites,favorites-jobs,products"))) {
      HttpResponse<Buffer> live = await(app.http.get("/health/live").send());
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.bodyAsJsonObject().getString("status")).isEqualTo("UP");

      HttpResponse<Buffer> ready = await(app.http.get("/health/ready").send());
      assertThat(ready.statusCode()).isEqualTo(200);
      JsonObject body = ready.bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo("UP");
      assertThat(body.getJsonObject("checks").getMap())
        .containsEntry("postgres", "UP").containsEntry("rabbitmq", "UP").containsEntry("products", "UP");
      assertThat(body.getJsonArray("roles").getList()).containsExactly("customers", "favorites", "favorites-jobs", "products");

      HttpResponse<Buffer> metrics = await(app.http.get("/metrics").send());
      assertThat(metrics.statusCode()).isEqualTo(200);
      // the worker's own meters: its event-bus handlers and its PostgreSQL pool
      assertThat(metrics.bodyAsString()).contains("vertx_eventbus_handlers").contains("vertx_pool_");

      assertProblem(await(app.http.get("/v1/customers").send()), 404);
    }
  }

  @Test
  @DisplayName("without its customers verticle the worker is not ready (503, postgres DOWN), though another check is UP")
  void notReadyWithoutItsCustomersVerticle() {
    try (TestApp app = TestApp.start(worker("customers,products"))) {
      assertThat(await(app.http.get("/health/ready").send()).statusCode()).isEqualTo(200);
      app.undeploy(Main.CUSTOMERS);
      HttpResponse<Buffer> ready = await(app.http.get("/health/ready").send());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("DOWN");
      assertThat(ready.bodyAsJsonObject().getJsonObject("checks").getMap())
        .containsEntry("postgres", "DOWN").containsEntry("products", "UP").doesNotContainKey("rabbitmq");
      assertThat(await(app.http.get("/health/live").send()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("HEALTH_PORT outside 0-65535 is refused at start-up, naming the key")
  void badPort() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestApp.start(worker("products").put("HEALTH_PORT", 70000)))
      .hasMessageContaining("HEALTH_PORT");
  }
}
