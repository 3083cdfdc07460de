package com.favoriteproducts.product;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.ProductBus;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Time-dependent behaviour with short settings: the fresh TTL running out (then STALE while the API fails), the
 * in-process cache, and the reply deadline. Only the products verticle runs (no HTTP, no database).
 */
@DisplayName("product lookups over time")
class ProductCacheExpiryTest {

  static final int RESET_MS = 500;
  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c
    .put("VERTICLES", "products")
    .put("PRODUCTS_CACHE_TTL_SECONDS", 1)
    .put("PRODUCTS_LOCAL_TTL_MS", 300)
    .put("PRODUCTS_BREAKER_MAX_FAILURES", 2)
    .put("PRODUCTS_BREAKER_RESET_MS", RESET_MS)
    .put("PRODUCTS_TIMEOUT_MS", 2000)
    .put("PRODUCTS_REPLY_TIMEOUT_MS", 700));

  @BeforeEach
  void reset() {
    app.fakeProducts.reset();
    app.deleteRedisKeys(ProductCache.PREFIX + "*");
    Eventually.until(5000, "a lookup succeeds and the breaker is closed", () -> {
      String id = app.fakeProducts.newProduct().getString("id");
      return request(Addresses.PRODUCTS_GET, new JsonObject().put("id", id)).succeeded()
        && "CLOSED".equals(breaker());
    });
    app.fakeProducts.reset();
  }

  static Future<Message<JsonObject>> request(String address, JsonObject body) {
    return ProductBus.request(app.vertx, address, body);
  }

  static String breaker() {
    return request(Addresses.PRODUCTS_HEALTH, new JsonObject()).result().body().getString("breaker");
  }

  static JsonObject get(String id) {
    return ProductBus.get(app.vertx, id);
  }

  static JsonArray getMany(String... ids) {
    return ProductBus.getMany(app.vertx, new JsonObject().put("ids", new JsonArray(List.of((Object[]) ids))));
  }

  @Test
  @DisplayName("while the API is down, a product whose fresh entry expired is served STALE with its fetchedAt")
  void staleWhileDown() {
    String id = app.fakeProducts.newProduct().getString("id");
    JsonObject fresh = get(id);
    assertThat(fresh.getString("availability")).isEqualTo("AVAILABLE");

    app.fakeProducts.down(true);
    Eventually.pastDeadline(Instant.parse(fresh.getString("fetchedAt")).plusMillis(1100),
      "the fresh TTL (1 s) of the copy runs out; the last-known copy stays");
    JsonObject stale = get(id);
    assertThat(stale.getString("availability")).isEqualTo("STALE");
    assertThat(stale.getString("fetchedAt")).isEqualTo(fresh.getString("fetchedAt"));
    assertThat(stale.copy().put("availability", "AVAILABLE")).isEqualTo(fresh);
    assertThat(app.fakeProducts.calls(id)).as("the API was asked first").isEqualTo(2);

    // A second failure (max failures is 2) opens the breaker; from then on lookups do not reach the API.
    String unknown = UUID.randomUUID().toString();
    assertThat(((ReplyException) request(Addresses.PRODUCTS_GET, new JsonObject().put("id", unknown)).cause())
      .failureCode()).isEqualTo(503);
    assertThat(request(Addresses.PRODUCTS_HEALTH, new JsonObject()).result().body().getString("breaker")).isEqualTo("OPEN");
    JsonArray many = getMany(unknown, id, unknown);
    assertThat(many.getJsonObject(0)).isEqualTo(new JsonObject().put("id", unknown).put("availability", "UNAVAILABLE"));
    assertThat(many.getJsonObject(1)).isEqualTo(stale);
    assertThat(many.getJsonObject(2)).isEqualTo(many.getJsonObject(0));
    assertThat(get(id)).isEqualTo(stale);
    assertThat(app.fakeProducts.stats().getLong("productCalls")).as("calls: one per lookup before the breaker opened")
      .isEqualTo(3);

    // The API is back: after the reset time the next lookup refreshes the product.
    app.fakeProducts.down(false);
    Eventually.until(RESET_MS + 100, "the breaker is half-open (PRODUCTS_BREAKER_RESET_MS)",
      () -> "HALF_OPEN".equals(breaker()));
    JsonObject refreshed = get(id);
    assertThat(refreshed.getString("availability")).isEqualTo("AVAILABLE");
    assertThat(Instant.parse(refreshed.getString("fetchedAt"))).isAfter(Instant.parse(fresh.getString("fetchedAt")));
  }

  @Test
  @DisplayName("the in-process cache answers for PRODUCTS_LOCAL_TTL_MS without Redis or the API")
  void localCache() {
    String id = app.fakeProducts.newProduct().getString("id");
    JsonObject first = get(id);
    app.deleteRedisKeys(ProductCache.PREFIX + id);
    assertThat(get(id)).isEqualTo(first);
    assertThat(getMany(id, id).getJsonObject(1)).isEqualTo(first);
    assertThat(app.fakeProducts.calls(id)).isEqualTo(1);

    // past the local TTL: Redis has nothing, so the API is asked again
    Eventually.elapse(400, "the in-process copy expires (PRODUCTS_LOCAL_TTL_MS=300)");
    JsonObject again = get(id);
    assertThat(again.getString("availability")).isEqualTo("AVAILABLE");
    assertThat(app.fakeProducts.calls(id)).isEqualTo(2);
  }

  @Test
  @DisplayName("a lookup answers within PRODUCTS_REPLY_TIMEOUT_MS; the slow fetch still completes and fills the cache")
  void replyDeadline() {
    String id = app.fakeProducts.newProduct().getString("id");
    app.fakeProducts.faults(new JsonObject().put("latencyMs", 1200));
    long t0 = System.nanoTime();
    JsonArray many = getMany(id);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(many.getJsonObject(0)).isEqualTo(new JsonObject().put("id", id).put("availability", "UNAVAILABLE"));
    assertThat(ms).isBetween(600L, 1150L);

    Future<Message<JsonObject>> single = request(Addresses.PRODUCTS_GET, new JsonObject().put("id", id));
    // Joined the same flight (single flight), which completes at about 1.2 s: AVAILABLE, or 503 if the deadline won.
    if (single.failed()) {
      assertThat(((ReplyException) single.cause()).failureCode()).isEqualTo(503);
    }
    Eventually.until(3000, "the product is AVAILABLE once the slow call completed",
      () -> "AVAILABLE".equals(getMany(id).getJsonObject(0).getString("availability")));
    assertThat(app.fakeProducts.calls(id)).isEqualTo(1);
  }

  @Test
  @DisplayName("getMany of 10 cached ids, steady state (in-process cache): latency")
  void steadyStateLatency() {
    String[] ids = new String[10];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = app.fakeProducts.newProduct().getString("id");
    }
    getMany(ids);
    long[] us = new long[500];
    for (int i = 0; i < us.length; i++) {
      long t0 = System.nanoTime();
      await(app.vertx.eventBus().request(Addresses.PRODUCTS_GET_MANY,
        new JsonObject().put("ids", new JsonArray(List.of((Object[]) ids)))));
      us[i] = (System.nanoTime() - t0) / 1000;
    }
    java.util.Arrays.sort(us);
    System.out.printf("getMany of 10 cached ids (in-process cache on, 1 s fresh TTL), sequential: p50 %d us, p99 %d us%n",
      us[us.length / 2], us[us.length * 99 / 100]);
    // The fresh TTL is 1 s here, so the loop may refresh each id once or twice; never once per request.
    assertThat(app.fakeProducts.stats().getLong("productCalls")).isLessThan(60);
  }
}
