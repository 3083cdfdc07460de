package com.favoriteproducts.product;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.ProductBus;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Product lookups over the event bus and HTTP against the real fake-products API and Redis. The in-process cache is
 * off here so every lookup that is not a single-flight join reads Redis (see {@link ProductCacheExpiryTest} for it).
 */
@DisplayName("product lookups")
class ProductLookupsTest {

  static final int MAX_FAILURES = 3;
  static final int RESET_MS = 500;
  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c
    .put("PRODUCTS_LOCAL_CACHE_SIZE", 0)
    .put("PRODUCTS_BREAKER_MAX_FAILURES", MAX_FAILURES)
    .put("PRODUCTS_BREAKER_RESET_MS", RESET_MS)
    .put("PRODUCTS_TIMEOUT_MS", 1000)
    .put("PRODUCTS_NOT_FOUND_TTL_SECONDS", 2)
    .put("PRODUCTS_MAX_CONCURRENCY", 8));
  static String admin;

  @BeforeAll
  static void start() {
    admin = app.adminToken();
  }

  /**
   * No faults, our Redis keys gone, the breaker closed with no failures counted (a successful lookup resets the
   * count; one after the reset time closes a half-open breaker), then zeroed API counters.
   */
  @BeforeEach
  void reset() {
    app.fakeProducts.reset();
    app.deleteRedisKeys(ProductCache.PREFIX + "*");
    Eventually.until(5000, "a lookup succeeds and the breaker is closed", () -> {
      String id = app.fakeProducts.newProduct().getString("id");
      return request(Addresses.PRODUCTS_GET, new JsonObject().put("id", id)).succeeded()
        && "CLOSED".equals(health().getString("breaker"));
    });
    app.fakeProducts.reset();
  }

  static Future<Message<JsonObject>> send(String address, JsonObject body) {
    return app.vertx.eventBus().request(address, body, new DeliveryOptions().setSendTimeout(15_000));
  }

  /** The completed request (a failure is a result here, not an exception). */
  static Future<Message<JsonObject>> request(String address, JsonObject body) {
    return ProductBus.request(app.vertx, address, body);
  }

  static JsonObject get(String id) {
    return ProductBus.get(app.vertx, id);
  }

  static ReplyException getFails(String id) {
    Future<Message<JsonObject>> f = request(Addresses.PRODUCTS_GET, new JsonObject().put("id", id));
    assertThat(f.failed()).as("products.get %s fails", id).isTrue();
    assertThat(f.cause()).isInstanceOf(ReplyException.class);
    return (ReplyException) f.cause();
  }

  static JsonArray getMany(Object... ids) {
    return getMany(new JsonObject().put("ids", new JsonArray(List.of(ids))));
  }

  static JsonArray getMany(JsonObject body) {
    return ProductBus.getMany(app.vertx, body);
  }

  static JsonObject health() {
    return request(Addresses.PRODUCTS_HEALTH, new JsonObject()).result().body();
  }

  static String unknownId() {
    return UUID.randomUUID().toString();
  }

  @Test
  @DisplayName("a product comes back AVAILABLE with the API's fields and fetchedAt; the second lookup is a Redis hit")
  void cacheHitAvoidsTheApi() {
    JsonObject p = app.fakeProducts.newProduct();
    String id = p.getString("id");
    Instant before = Instant.now();
    JsonObject first = get(id.toUpperCase());
    assertThat(first.getString("id")).isEqualTo(id);
    assertThat(first.getString("title")).isEqualTo(p.getString("title"));
    assertThat(first.getString("brand")).isEqualTo("Acme");
    assertThat(first.getString("image")).isEqualTo(p.getString("image"));
    assertThat(first.getDouble("price")).isEqualTo(149.9);
    assertThat(first.getDouble("reviewScore")).isEqualTo(4.5);
    assertThat(first.getString("availability")).isEqualTo("AVAILABLE");
    assertThat(Instant.parse(first.getString("fetchedAt"))).isBetween(before.minusSeconds(1), Instant.now());
    assertThat(first.fieldNames()).containsExactlyInAnyOrder("id", "title", "brand", "image", "price", "reviewScore",
      "availability", "fetchedAt");
    assertThat(app.fakeProducts.calls(id)).isEqualTo(1);

    Response stored = await(app.redis().get(ProductCache.PREFIX + id));
    assertThat(stored).isNotNull();
    JsonObject cached = new JsonObject(stored.toBuffer());
    assertThat(cached.getString("fetchedAt")).isEqualTo(first.getString("fetchedAt"));
    assertThat(cached.getString("title")).isEqualTo(p.getString("title"));
    long ttl = await(app.redis().ttl(ProductCache.PREFIX + id)).toLong();
    assertThat(ttl).isBetween(604_000L, 604_800L);

    for (int i = 0; i < 5; i++) {
      assertThat(get(id)).isEqualTo(first);
    }
    assertThat(getMany(id, id)).containsExactly(first, first);
    assertThat(app.fakeProducts.calls(id)).as("API calls after the first lookup").isEqualTo(1);
  }

  @Test
  @DisplayName("404 and 503 are never confused: unknown id is 404; API down with nothing cached is 503, even for that id")
  void notFoundVersusUnavailable() {
    String unknown = unknownId();
    ReplyException nf = getFails(unknown);
    assertThat(nf.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(nf.failureCode()).isEqualTo(404);

    app.fakeProducts.down(true);
    String neverSeen = unknownId();
    ReplyException down = getFails(neverSeen);
    assertThat(down.failureCode()).isEqualTo(503);
    String existing = app.fakeProducts.newProduct().getString("id");
    assertThat(getFails(existing).failureCode()).as("an existing but uncached product while down").isEqualTo(503);
    assertThat(app.fakeProducts.calls(neverSeen)).isEqualTo(1);

    ReplyException bad = getFails("not-a-uuid");
    assertThat(bad.failureCode()).isEqualTo(400);
    assertThat(bad).isInstanceOf(BusFailure.class);
    assertThat(((BusFailure) bad).errors().get(0).field()).isEqualTo("id");
  }

  @Test
  @DisplayName("a 404 is remembered briefly: a product added upstream meanwhile appears after PRODUCTS_NOT_FOUND_TTL_SECONDS")
  void notFoundIsCachedBriefly() {
    String id = unknownId();
    assertThat(getFails(id).failureCode()).isEqualTo(404);
    app.fakeProducts.upsert(new JsonObject().put("id", id).put("title", "Late arrival").put("price", 10));
    assertThat(getFails(id).failureCode()).as("still the cached 404").isEqualTo(404);
    assertThat(getMany(id).getJsonObject(0)).isEqualTo(new JsonObject().put("id", id).put("availability", "NOT_FOUND"));
    assertThat(app.fakeProducts.calls(id)).isEqualTo(1);
    long ttl = await(app.redis().ttl(ProductCache.PREFIX + id)).toLong();
    assertThat(ttl).isBetween(1L, 2L);

    // the original wait was 2.1 s: the key must be gone by then
    Eventually.until(2100, "the cached 404 expires in Redis", () ->
      await(app.redis().exists(List.of(ProductCache.PREFIX + id))).toInteger() == 0);
    JsonObject p = get(id);
    assertThat(p.getString("title")).isEqualTo("Late arrival");
    assertThat(p.getString("availability")).isEqualTo("AVAILABLE");
    assertThat(app.fakeProducts.calls(id)).isEqualTo(2);
  }

  @Test
  @DisplayName("the breaker opens after repeated failures (calls stop reaching the API) and closes after recovery")
  void breakerOpensAndCloses() {
    app.fakeProducts.down(true);
    for (int i = 0; i < MAX_FAILURES; i++) {
      assertThat(getFails(unknownId()).failureCode()).isEqualTo(503);
    }
    assertThat(app.fakeProducts.stats().getLong("productCalls")).isEqualTo(MAX_FAILURES);
    JsonObject h = health();
    assertThat(h.getString("breaker")).isEqualTo("OPEN");
    assertThat(h.getString("status")).isEqualTo("DEGRADED");
    assertThat(h.getString("cache")).isEqualTo("UP");

    // Open: lookups fail fast without reaching the API, even once it is back.
    app.fakeProducts.down(false);
    String id = app.fakeProducts.newProduct().getString("id");
    for (int i = 0; i < 5; i++) {
      assertThat(getFails(id).failureCode()).isEqualTo(503);
    }
    assertThat(getMany(id).getJsonObject(0).getString("availability")).isEqualTo("UNAVAILABLE");
    assertThat(app.fakeProducts.stats().getLong("productCalls")).as("calls while open").isEqualTo(MAX_FAILURES);

    // After the reset time one trial call goes through; it succeeds, so the breaker closes.
    Eventually.until(RESET_MS + 200, "the breaker is half-open after PRODUCTS_BREAKER_RESET_MS",
      () -> "HALF_OPEN".equals(health().getString("breaker")));
    assertThat(health().getString("breaker")).isEqualTo("HALF_OPEN");
    assertThat(get(id).getString("availability")).isEqualTo("AVAILABLE");
    assertThat(health()).isEqualTo(new JsonObject().put("status", "UP").put("breaker", "CLOSED").put("cache", "UP"));
    assertThat(app.fakeProducts.calls(id)).isEqualTo(1);
  }

  @Test
  @DisplayName("404s do not count as breaker failures")
  void notFoundDoesNotOpenTheBreaker() {
    for (int i = 0; i < MAX_FAILURES * 2; i++) {
      assertThat(getFails(unknownId()).failureCode()).isEqualTo(404);
    }
    assertThat(health().getString("breaker")).isEqualTo("CLOSED");
    assertThat(app.fakeProducts.stats().getLong("productCalls")).isEqualTo(MAX_FAILURES * 2);
  }

  @Test
  @DisplayName("an API slower than PRODUCTS_TIMEOUT_MS is a failure: 503 after about the timeout")
  void slowApiTimesOut() {
    app.fakeProducts.faults(new JsonObject().put("latencyMs", 3000));
    long t0 = System.nanoTime();
    assertThat(getFails(app.fakeProducts.newProduct().getString("id")).failureCode()).isEqualTo(503);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(ms).isBetween(900L, 2500L);
  }

  @Test
  @DisplayName("single flight: 20 concurrent lookups of one uncached id make one API call and get the same answer")
  void singleFlight() {
    String id = app.fakeProducts.newProduct().getString("id");
    app.fakeProducts.faults(new JsonObject().put("latencyMs", 300));
    List<Future<Message<JsonObject>>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(i % 4 == 0
        ? send(Addresses.PRODUCTS_GET_MANY, new JsonObject().put("ids", new JsonArray().add(id)))
        : send(Addresses.PRODUCTS_GET, new JsonObject().put("id", id)));
    }
    await(Future.all(all));
    List<JsonObject> answers = all.stream().map(f -> f.result().body())
      .map(b -> b.containsKey("products") ? b.getJsonArray("products").getJsonObject(0) : b).toList();
    assertThat(answers).allSatisfy(a -> assertThat(a).isEqualTo(answers.get(0)));
    assertThat(answers.get(0).getString("availability")).isEqualTo("AVAILABLE");
    assertThat(app.fakeProducts.calls(id)).isEqualTo(1);
  }

  @Test
  @DisplayName("getMany: one reply, one entry per requested id in request order, mixed availabilities")
  void getManyShapeAndOrder() {
    JsonObject a = app.fakeProducts.newProduct();
    JsonObject b = app.fakeProducts.newProduct();
    String idA = a.getString("id");
    String idB = b.getString("id");
    String unknown = unknownId();
    JsonArray first = getMany(idA, unknown, idB.toUpperCase(), idA);
    assertThat(first.size()).isEqualTo(4);
    assertThat(first.getJsonObject(0).getString("id")).isEqualTo(idA);
    assertThat(first.getJsonObject(0).getString("availability")).isEqualTo("AVAILABLE");
    assertThat(first.getJsonObject(1)).isEqualTo(new JsonObject().put("id", unknown).put("availability", "NOT_FOUND"));
    assertThat(first.getJsonObject(2).getString("id")).isEqualTo(idB);
    assertThat(first.getJsonObject(2).getString("title")).isEqualTo(b.getString("title"));
    assertThat(first.getJsonObject(3)).isEqualTo(first.getJsonObject(0));
    assertThat(app.fakeProducts.calls(idA)).as("a duplicate id is fetched once").isEqualTo(1);

    // The API goes down: cached products stay AVAILABLE (fresh), the cached 404 stays NOT_FOUND, the rest UNAVAILABLE.
    app.fakeProducts.down(true);
    String c = app.fakeProducts.newProduct().getString("id");
    JsonArray second = getMany(c, idB, unknown, idA);
    assertThat(second.stream().map(o -> ((JsonObject) o).getString("availability")).toList())
      .containsExactly("UNAVAILABLE", "AVAILABLE", "NOT_FOUND", "AVAILABLE");
    assertThat(second.getJsonObject(0)).isEqualTo(new JsonObject().put("id", c).put("availability", "UNAVAILABLE"));
    assertThat(second.getJsonObject(1)).isEqualTo(first.getJsonObject(2));
    assertThat(getMany(new JsonObject().put("ids", new JsonArray())).isEmpty()).isTrue();
  }

  @Test
  @DisplayName("getMany with cacheOnly never calls the API: cached entries as they are, the rest UNAVAILABLE")
  void getManyCacheOnly() {
    String cached = app.fakeProducts.newProduct().getString("id");
    String uncached = app.fakeProducts.newProduct().getString("id");
    get(cached);
    JsonArray r = getMany(new JsonObject().put("ids", new JsonArray().add(cached).add(uncached)).put("cacheOnly", true));
    assertThat(r.getJsonObject(0).getString("availability")).isEqualTo("AVAILABLE");
    assertThat(r.getJsonObject(1)).isEqualTo(new JsonObject().put("id", uncached).put("availability", "UNAVAILABLE"));
    assertThat(app.fakeProducts.calls(uncached)).isZero();
    assertThat(app.fakeProducts.calls(cached)).isEqualTo(1);
  }

  @Test
  @DisplayName("getMany fetches misses in parallel but at most PRODUCTS_MAX_CONCURRENCY (8) at a time")
  void getManyBoundedConcurrency() {
    List<Object> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(app.fakeProducts.newProduct().getString("id"));
    }
    app.fakeProducts.faults(new JsonObject().put("latencyMs", 100));
    long t0 = System.nanoTime();
    JsonArray r = getMany(ids.toArray());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.stream().map(o -> ((JsonObject) o).getString("availability")).distinct().toList())
      .containsExactly("AVAILABLE");
    assertThat(app.fakeProducts.stats().getLong("productCalls")).isEqualTo(40);
    assertThat(ms).as("40 calls of 100 ms, 8 at a time: 5 rounds, not 40 (sequential) nor 1 (unbounded)")
      .isBetween(480L, 2500L);
  }

  @Test
  @DisplayName("getMany rejects bad requests with 400 naming the field, and nothing else")
  void getManyValidation() {
    record Case(JsonObject body, String field) { }
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 1001; i++) {
      tooMany.add(unknownId());
    }
    for (Case c : List.of(
      new Case(new JsonObject(), "/ids"),
      new Case(new JsonObject().put("ids", "x"), "/ids"),
      new Case(new JsonObject().put("ids", tooMany), "/ids"),
      new Case(new JsonObject().put("ids", new JsonArray().add(unknownId()).add("nope")), "/ids/1"),
      new Case(new JsonObject().put("ids", new JsonArray().add(unknownId()).add(42)), "/ids/1"),
      new Case(new JsonObject().put("ids", new JsonArray()).put("cacheOnly", "yes"), "/cacheOnly"))) {
      Future<Message<JsonObject>> f = request(Addresses.PRODUCTS_GET_MANY, c.body());
      assertThat(f.failed()).as(c.body().encode()).isTrue();
      ReplyException e = (ReplyException) f.cause();
      assertThat(e.failureCode()).isEqualTo(400);
      assertThat(e).isInstanceOf(BusFailure.class);
      assertThat(((BusFailure) e).errors().get(0).field()).isEqualTo(c.field());
    }
    assertThat(app.fakeProducts.stats().getLong("productCalls")).isZero();
  }

  @Test
  @DisplayName("getMany of 10 cached ids answers from Redis (one MGET) without calling the API")
  void getManyOfCachedIdsIsFast() {
    List<Object> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(app.fakeProducts.newProduct().getString("id"));
    }
    getMany(ids.toArray());
    long[] ms = new long[300];
    for (int i = 0; i < ms.length; i++) {
      long t0 = System.nanoTime();
      JsonArray r = getMany(ids.toArray());
      ms[i] = (System.nanoTime() - t0) / 1000;
      assertThat(r.size()).isEqualTo(10);
    }
    java.util.Arrays.sort(ms);
    System.out.printf("getMany of 10 cached ids (Redis, no local cache), sequential: p50 %d us, p99 %d us%n",
      ms[ms.length / 2], ms[ms.length * 99 / 100]);
    assertThat(app.fakeProducts.stats().getLong("productCalls")).isEqualTo(10);
  }

  // ---- HTTP ------------------------------------------------------------------------------------------------------

  private HttpResponse<Buffer> http(String id, String token) {
    var req = app.http.get("/v1/products/" + id);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return await(req.send());
  }

  @Test
  @DisplayName("GET /v1/products/{id}: 200 with availability for admin and customer tokens, 404, 400, 401")
  void httpGet() {
    JsonObject p = app.fakeProducts.newProduct();
    String id = p.getString("id");
    HttpResponse<Buffer> r = http(id, admin);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("application/json");
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("id")).isEqualTo(id);
    assertThat(body.getString("title")).isEqualTo(p.getString("title"));
    assertThat(body.getString("availability")).isEqualTo("AVAILABLE");
    assertThat(body.getString("fetchedAt")).isNotNull();

    String customer = app.customerToken(app.createCustomer(admin).getString("id"));
    HttpResponse<Buffer> asCustomer = http(id, customer);
    assertThat(asCustomer.statusCode()).isEqualTo(200);
    assertThat(asCustomer.bodyAsJsonObject()).isEqualTo(body);

    HttpResponse<Buffer> missing = http(unknownId(), customer);
    assertProblem(missing, 404);
    assertThat(missing.bodyAsJsonObject().getString("type")).isEqualTo("/problems/not-found");

    HttpResponse<Buffer> bad = http("not-a-uuid", admin);
    assertProblem(bad, 400);

    HttpResponse<Buffer> anonymous = http(id, null);
    assertProblem(anonymous, 401);
    assertThat(app.fakeProducts.calls(id)).isEqualTo(1);
  }

  @Test
  @DisplayName("GET /v1/products/{id} while the API is down and nothing is known: 503 problem with Retry-After")
  void httpUnavailable() {
    app.fakeProducts.down(true);
    HttpResponse<Buffer> r = http(app.fakeProducts.newProduct().getString("id"), admin);
    assertProblem(r, 503);
    assertThat(r.getHeader("Retry-After")).isEqualTo("1");
    assertThat(r.bodyAsJsonObject().getInteger("status")).isEqualTo(503);
    assertThat(r.bodyAsJsonObject().getString("type")).isEqualTo("/problems/unavailable");
  }

  @Test
  @DisplayName("readiness reports products UP next to postgres and redis; products.health has the contract's shape")
  void readiness() {
    HttpResponse<Buffer> r = await(app.http.get("/health/ready").send());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "UP").put("checks", new JsonObject()
      .put("postgres", "UP").put("redis", "UP").put("products", "UP").put("rabbitmq", "UP")
      .put("ratelimit", "UP")));
    assertThat(health()).isEqualTo(new JsonObject().put("status", "UP").put("breaker", "CLOSED").put("cache", "UP"));
  }
}
