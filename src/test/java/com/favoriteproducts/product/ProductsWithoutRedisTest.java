package com.favoriteproducts.product;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.TestApp;
import com.favoriteproducts.support.TestServices;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service with Redis unreachable: REDIS_PORT points at a port where a test-controlled TCP proxy to the real Redis
 * listens only when the test says so. Lookups keep working straight from the API and readiness stays 200, degraded.
 */
@DisplayName("product lookups without Redis")
class ProductsWithoutRedisTest {

  static final int redisPort = TestApp.freePort();
  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c.put("REDIS_PORT", redisPort).put("PRODUCTS_LOCAL_CACHE_SIZE", 0));
  static RedisProxy proxy;

  @BeforeAll
  static void start() {
    JsonObject real = TestServices.config();
    proxy = new RedisProxy(real.getString("REDIS_HOST"), real.getInteger("REDIS_PORT"), redisPort);
  }

  @AfterAll
  static void stop() {
    proxy.stop();
  }

  @BeforeEach
  void reset() {
    proxy.stop();
    app.fakeProducts.reset();
  }

  static Future<Message<JsonObject>> request(String address, JsonObject body) {
    Future<Message<JsonObject>> f = app.vertx.eventBus().request(address, body, new DeliveryOptions().setSendTimeout(15_000));
    try {
      f.await(20, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // inspected by the caller
    }
    return f;
  }

  static JsonObject health() {
    return request(Addresses.PRODUCTS_HEALTH, new JsonObject()).result().body();
  }

  @Test
  @DisplayName("Redis down: lookups are AVAILABLE from the API, single flight still holds, health says cache DOWN")
  void lookupsWork() {
    String id = app.fakeProducts.newProduct().getString("id");
    JsonObject p = request(Addresses.PRODUCTS_GET, new JsonObject().put("id", id)).result().body();
    assertThat(p.getString("availability")).isEqualTo("AVAILABLE");
    assertThat(request(Addresses.PRODUCTS_GET, new JsonObject().put("id", "3f1e1f7e-0000-4000-8000-000000000001"))
      .cause()).hasMessageContaining("not found");

    String other = app.fakeProducts.newProduct().getString("id");
    JsonArray many = request(Addresses.PRODUCTS_GET_MANY, new JsonObject().put("ids", new JsonArray().add(id).add(other)))
      .result().body().getJsonArray("products");
    assertThat(many.stream().map(o -> ((JsonObject) o).getString("availability")).toList())
      .containsExactly("AVAILABLE", "AVAILABLE");
    assertThat(app.fakeProducts.calls(id)).as("no cache: every lookup asks the API").isEqualTo(2);

    String shared = app.fakeProducts.newProduct().getString("id");
    app.fakeProducts.faults(new JsonObject().put("latencyMs", 200));
    List<Future<Message<JsonObject>>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(app.vertx.eventBus().request(Addresses.PRODUCTS_GET, new JsonObject().put("id", shared)));
    }
    await(Future.all(all));
    assertThat(app.fakeProducts.calls(shared)).isEqualTo(1);

    assertThat(health()).isEqualTo(new JsonObject().put("status", "DEGRADED").put("breaker", "CLOSED").put("cache", "DOWN"));
  }

  @Test
  @DisplayName("Redis down: /health/ready is 200 DEGRADED with redis DOWN and products DEGRADED; GET /v1/products works")
  void readinessDegraded() {
    HttpResponse<Buffer> r = await(app.http.get("/health/ready").send());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "DEGRADED").put("checks", new JsonObject()
      .put("postgres", "UP").put("redis", "DOWN").put("products", "DEGRADED").put("rabbitmq", "UP")
      .put("ratelimit", "DOWN")));

    String id = app.fakeProducts.newProduct().getString("id");
    HttpResponse<Buffer> p = await(app.http.get("/v1/products/" + id).bearerTokenAuthentication(app.adminToken()).send());
    assertThat(p.statusCode()).isEqualTo(200);
    assertThat(p.bodyAsJsonObject().getString("availability")).isEqualTo("AVAILABLE");
  }

  @Test
  @DisplayName("Redis coming back is used again within about a second, and losing it again only degrades")
  void redisComesAndGoes() {
    assertThat(health().getString("cache")).isEqualTo("DOWN");
    proxy.start();
    Eventually.until(5000, "the products verticle sees Redis again", () -> "UP".equals(health().getString("cache")));
    assertThat(health().getString("cache")).isEqualTo("UP");

    String id = app.fakeProducts.newProduct().getString("id");
    request(Addresses.PRODUCTS_GET, new JsonObject().put("id", id));
    // the cache write is not awaited by the lookup: wait for it
    Eventually.until(1000, "the product is written to Redis",
      () -> await(app.redis().exists(List.of(ProductCache.PREFIX + id))).toInteger() == 1);
    assertThat(request(Addresses.PRODUCTS_GET, new JsonObject().put("id", id)).result().body().getString("availability"))
      .isEqualTo("AVAILABLE");
    assertThat(app.fakeProducts.calls(id)).as("the second lookup was a Redis hit").isEqualTo(1);
    app.deleteRedisKeys(ProductCache.PREFIX + id);

    proxy.stop();
    Eventually.until(5000, "the products verticle sees Redis gone", () -> "DOWN".equals(health().getString("cache")));
    assertThat(request(Addresses.PRODUCTS_GET, new JsonObject().put("id", id)).result().body().getString("availability"))
      .isEqualTo("AVAILABLE");
    assertThat(health().getString("cache")).isEqualTo("DOWN");
  }

  /** A TCP proxy to the real Redis that can be switched on and off (off: nothing listens, connections are cut). */
  static final class RedisProxy {
    private final String host;
    private final int targetPort;
    private final int port;
    private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
    private NetServer server;

    RedisProxy(String host, int targetPort, int port) {
      this.host = host;
      this.targetPort = targetPort;
      this.port = port;
    }

    synchronized void start() {
      var client = app.vertx.createNetClient();
      server = app.vertx.createNetServer().connectHandler(in -> {
        in.pause();
        sockets.add(in);
        client.connect(targetPort, host).onSuccess(out -> {
          sockets.add(out);
          in.handler(out::write);
          out.handler(in::write);
          in.closeHandler(v -> out.close());
          out.closeHandler(v -> in.close());
          in.resume();
        }).onFailure(err -> in.close());
      });
      await(server.listen(port, "127.0.0.1"));
    }

    synchronized void stop() {
      if (server != null) {
        await(server.close());
        server = null;
      }
      sockets.forEach(NetSocket::close);
      sockets.clear();
    }
  }
}
