package com.favoriteproducts.faults;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.PrivateRedis;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service on a Redis of its own, which the test kills for several seconds while adds and reads run, then starts
 * again (empty: it persists nothing) on the same port. Redis is a cache and the revocation store: without it the
 * service keeps serving and says it is degraded. PostgreSQL and RabbitMQ are the shared test services.
 * ({@code product/ProductsWithoutRedisTest} stays: it pins the product verticle's own behaviour without Redis, over
 * the event bus, from a service started without it.)
 */
@DisplayName("Redis stopped and started under adds and reads")
class RedisStopTest {

  @RegisterExtension
  @Order(1)
  static final PrivateRedis redis = new PrivateRedis();
  @RegisterExtension
  @Order(2)
  static final TestApp app = TestApp.perClass(c -> Outage.config(redis, c).put("PRODUCTS_LOCAL_CACHE_SIZE", 0));
  @RegisterExtension
  @Order(3)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  @Test
  @DisplayName("while Redis is down: adds and reads succeed, readiness 200 DEGRADED redis DOWN, a revocation 503 with "
    + "Retry-After; after it is back, without a restart of the service: readiness UP, the cache and revocations work, "
    + "every accepted add stored once")
  void redisStopsAndStarts() {
    List<String> customers = Outage.customersWithAFavorite(api, 4);
    assertThat(Traffic.readiness(app).getString("status")).isEqualTo("UP");

    Outage outage = Outage.run(api, customers, redis, 5000, "Redis is down and the service degraded", 200, "DEGRADED",
      Map.of("redis", "DOWN", "products", "DEGRADED"), () -> {
        String kept = app.adminToken();
        HttpResponse<Buffer> revoke = revoke(kept);
        assertThat(revoke.statusCode()).as(revoke.bodyAsString()).isEqualTo(503);
        assertThat(revoke.getHeader("Retry-After")).isNotNull();
        assertThat(revoke.getHeader("Content-Type")).startsWith("application/problem+json");
        assertThat(customer(customers.get(0), kept).statusCode()).as("nothing was revoked").isEqualTo(200);
      });

    // Redis is a cache and the revocation store: nothing the traffic does needs it
    Traffic.assertOnlySuccessOr503(outage.during(), Outage.MAX_ANSWER_MS, "while Redis was down or coming back");
    Traffic.assertAllSucceeded(outage.during(), "while Redis was down or coming back");
    outage.assertSucceededBeforeAndAfter();
    outage.traffic.assertAcceptedAddsStoredOnce(30_000);

    // the cache is used again: a product looked up now is written to the new Redis (the key README documents)
    String id = app.fakeProducts.newProduct().getString("id");
    assertThat(await(app.http.get("/v1/products/" + id).bearerTokenAuthentication(api.admin).send()).statusCode())
      .isEqualTo(200);
    Eventually.until(5000, "the product is cached in the new Redis",
      () -> await(app.redis().exists(List.of("fp:product:" + id))).toInteger() == 1);
    // revocations work again
    String revoked = app.adminToken();
    assertThat(revoke(revoked).statusCode()).isEqualTo(204);
    assertThat(customer(customers.get(0), revoked).statusCode()).isEqualTo(401);
  }

  private static HttpResponse<Buffer> revoke(String token) {
    return await(app.http.post("/v1/auth/revoke").bearerTokenAuthentication(token).send());
  }

  private static HttpResponse<Buffer> customer(String id, String token) {
    return await(app.http.get("/v1/customers/" + id).bearerTokenAuthentication(token).send());
  }
}
