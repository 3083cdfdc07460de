package com.favoriteproducts.http;

import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("health")
class HealthTest {

  @Test
  @DisplayName("live and ready answer 200 without auth when PostgreSQL and Redis are up")
  void upAndReady() {
    try (TestApp app = TestApp.start()) {
      assertThat(await(app.http.get("/health/live").send()).statusCode()).isEqualTo(200);
      HttpResponse<Buffer> ready = await(app.http.get("/health/ready").send());
      assertThat(ready.statusCode()).isEqualTo(200);
      JsonObject body = ready.bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo("UP");
      assertThat(body.getJsonObject("checks").getString("postgres")).isEqualTo("UP");
      assertThat(body.getJsonObject("checks").getString("redis")).isEqualTo("UP");
    }
  }

  @Test
  @DisplayName("with Redis down the service stays ready but degraded, tokens still work, and revocation answers 503")
  void redisDown() {
    JsonObject config = TestApp.defaultConfig().put("REDIS_PORT", TestApp.freePort());
    try (TestApp app = TestApp.start(config)) {
      HttpResponse<Buffer> ready = await(app.http.get("/health/ready").send());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("DEGRADED");
      assertThat(ready.bodyAsJsonObject().getJsonObject("checks").getString("redis")).isEqualTo("DOWN");
      String admin = app.adminToken();
      JsonObject c = app.createCustomer(admin);
      assertThat(await(app.http.get("/v1/customers/" + c.getString("id")).bearerTokenAuthentication(admin).send())
        .statusCode()).isEqualTo(200);
      HttpResponse<Buffer> revoke = await(app.http.post("/v1/auth/revoke").bearerTokenAuthentication(admin).send());
      assertProblem(revoke, 503);
    }
  }

  @Test
  @DisplayName("a node without the customers verticle anywhere is not ready (503) and customer calls answer 503, not 500")
  void noCustomersVerticle() {
    JsonObject config = TestApp.defaultConfig().put("VERTICLES", "http");
    try (TestApp app = TestApp.start(config)) {
      assertThat(await(app.http.get("/health/live").send()).statusCode()).isEqualTo(200);
      HttpResponse<Buffer> ready = await(app.http.get("/health/ready").send());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.bodyAsJsonObject().getJsonObject("checks").getString("postgres")).isEqualTo("DOWN");
      String admin = app.adminToken();
      HttpResponse<Buffer> r = await(app.http.get("/v1/customers/" + UUID.randomUUID()).bearerTokenAuthentication(admin).send());
      assertProblem(r, 503);
    }
  }
}
