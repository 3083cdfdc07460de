package com.favoriteproducts.metrics;

import com.favoriteproducts.config.MetricsConfig;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.micrometer.backends.BackendRegistries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /metrics on a whole app: Vert.x's own meters (HTTP server, event bus, SQL pools) and ours (docs/metrics.md),
 * driven through the API. Each step is checked by the difference between the scrapes before and after it.
 */
@DisplayName("metrics")
class MetricsTest {

  static final long LOCAL_TTL_MS = 2000;
  static final long BREAKER_RESET_MS = 3000;
  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c
    .put("PRODUCTS_LOCAL_TTL_MS", LOCAL_TTL_MS)
    .put("PRODUCTS_BREAKER_MAX_FAILURES", 2).put("PRODUCTS_BREAKER_RESET_MS", BREAKER_RESET_MS)
    .put("JOBS_MAX_ATTEMPTS", 2).put("JOBS_RETRY_DELAYS_MS", "200"));
  static String admin;

  @BeforeAll
  static void start() {
    admin = app.adminToken();
  }

  @BeforeEach
  void healthyProductApi() {
    app.fakeProducts.reset();
  }

  static Exposition scrape(TestApp app) {
    HttpResponse<Buffer> r = await(app.http.get("/metrics").send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("text/plain");
    return new Exposition(r.bodyAsString());
  }

  static HttpResponse<Buffer> addWait(TestApp app, String token, String customerId, String productId) {
    HttpRequest<Buffer> r = app.http.put("/v1/customers/" + customerId + "/favorites/" + productId)
      .bearerTokenAuthentication(token).putHeader("Prefer", "wait=5");
    return await(r.send());
  }

  static HttpResponse<Buffer> product(TestApp app, String token, String id) {
    return await(app.http.get("/v1/products/" + id).bearerTokenAuthentication(token).send());
  }

  static double delta(Exposition before, Exposition after, String name, String... labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  static double cache(Exposition before, Exposition after, String result) {
    return delta(before, after, "products_cache_requests_total", "result", result);
  }

  static double cacheAll(Exposition before, Exposition after) {
    return delta(before, after, "products_cache_requests_total");
  }

  static double api(Exposition before, Exposition after, String outcome) {
    return delta(before, after, "products_api_calls_total", "outcome", outcome);
  }

  @Test
  @DisplayName("the edge response cache counts its lookups: a first read of a customer is a miss, the next a hit")
  void responseCacheMeters() {
    String customer = app.createCustomer(admin).getString("id");
    Exposition s0 = scrape(app);
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> r = await(app.http.get("/v1/customers/" + customer).bearerTokenAuthentication(admin).send());
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }
    Exposition s1 = scrape(app);
    assertThat(delta(s0, s1, "http_response_cache_requests_total", "result", "miss")).isEqualTo(1);
    assertThat(delta(s0, s1, "http_response_cache_requests_total", "result", "hit")).isEqualTo(1);
  }

  @Test
  @DisplayName("an add, cached lookups and a 404 show up in our meters and Vert.x's; the breaker gauge reads closed")
  void meters() {
    String customer = app.createCustomer(admin).getString("id");
    String product = app.fakeProducts.newProduct().getString("id");
    String unknown = UUID.randomUUID().toString();
    Exposition s0 = scrape(app);

    // an add, waited for: a new job, done; its product read from the API (a miss), then the 201 body from the cache
    HttpResponse<Buffer> added = addWait(app, admin, customer, product);
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
    Exposition s1 = scrape(app);
    assertThat(delta(s0, s1, "favorites_jobs_accepted_total")).isEqualTo(1);
    assertThat(delta(s0, s1, "favorites_jobs_completed_total", "outcome", "done")).isEqualTo(1);
    assertThat(delta(s0, s1, "favorites_jobs_completed_total")).isEqualTo(1);
    assertThat(delta(s0, s1, "favorites_jobs_latency_seconds_count", "outcome", "done")).isEqualTo(1);
    double took = delta(s0, s1, "favorites_jobs_latency_seconds_sum", "outcome", "done");
    assertThat(took).isGreaterThanOrEqualTo(0).isLessThan(5);
    assertThat(delta(s0, s1, "favorites_jobs_latency_seconds_bucket", "outcome", "done", "le", "30.0")).isEqualTo(1);
    assertThat(delta(s0, s1, "favorites_jobs_retried_total")).isZero();
    assertThat(api(s0, s1, "ok")).isEqualTo(1);
    assertThat(cache(s0, s1, "miss")).isEqualTo(1);
    assertThat(cache(s0, s1, "local_hit") + cache(s0, s1, "redis_hit")).isEqualTo(1);
    assertThat(cacheAll(s0, s1)).isEqualTo(2);

    // a product the API does not know: a miss, then a 404 from the API
    assertThat(product(app, admin, unknown).statusCode()).isEqualTo(404);
    Exposition s2 = scrape(app);
    assertThat(cache(s1, s2, "miss")).isEqualTo(1);
    assertThat(api(s1, s2, "not_found")).isEqualTo(1);
    assertThat(cacheAll(s1, s2)).isEqualTo(1);

    // once the in-process copies have expired, both answers come from Redis
    Eventually.elapse(LOCAL_TTL_MS + 200, "the in-process copies expire (PRODUCTS_LOCAL_TTL_MS)");
    assertThat(product(app, admin, product).statusCode()).isEqualTo(200);
    assertThat(product(app, admin, unknown).statusCode()).isEqualTo(404);
    Exposition s3 = scrape(app);
    assertThat(cache(s2, s3, "redis_hit")).isEqualTo(1);
    assertThat(cache(s2, s3, "not_found_hit")).isEqualTo(1);
    assertThat(cacheAll(s2, s3)).isEqualTo(2);

    // and then from the in-process cache again, without asking the API
    assertThat(product(app, admin, product).statusCode()).isEqualTo(200);
    Exposition s4 = scrape(app);
    assertThat(cache(s3, s4, "local_hit")).isEqualTo(1);
    assertThat(delta(s1, s4, "products_api_calls_total")).isEqualTo(1);
    assertThat(s4.find("products_cache_requests_total")).extracting(s -> s.labels().get("result"))
      .containsExactlyInAnyOrder("local_hit", "redis_hit", "not_found_hit", "stale", "miss", "joined");

    assertThat(s4.value("products_breaker_state", "breaker", "product-api")).isEqualTo(0.0);
    assertThat(s4.text).contains("products_breaker_state{breaker=\"product-api\"} 0.0");
    assertThat(s4.find("favorites_jobs_completed_total")).extracting(s -> s.labels().get("outcome"))
      .containsExactlyInAnyOrder("done", "failed_product_not_found", "failed_favorites_limit_reached",
        "failed_invalid_product", "dead_lettered", "failed_other");

    // an add of a product the API does not know: 404, and the job failed as product_not_found
    String missing = UUID.randomUUID().toString();
    HttpResponse<Buffer> notAdded = addWait(app, admin, customer, missing);
    assertThat(notAdded.statusCode()).as(notAdded.bodyAsString()).isEqualTo(404);
    Exposition s5 = scrape(app);
    assertThat(delta(s4, s5, "favorites_jobs_accepted_total")).isEqualTo(1);
    assertThat(delta(s4, s5, "favorites_jobs_completed_total", "outcome", "failed_product_not_found")).isEqualTo(1);
    assertThat(delta(s4, s5, "favorites_jobs_completed_total")).isEqualTo(1);
    assertThat(delta(s4, s5, "favorites_jobs_latency_seconds_count", "outcome", "failed_product_not_found")).isEqualTo(1);
    assertThat(api(s4, s5, "not_found")).isEqualTo(1);

    // Vert.x's own: HTTP server requests (by route), event bus, pools (SQL among them). Vert.x counts a request when
    // the server's last write of the response completes, which can be after the client has read it: a scrape sent at
    // once may not see the last one yet (seen once in CI: PUT counted 1 of 2). So wait for the counts, then hold them
    // exact (a request counted twice still fails).
    String favorite = "/v1/customers/:customerId/favorites/:productId";
    Eventually.until(5_000, "Vert.x has counted the four product reads and the two adds", () -> {
      Exposition s = scrape(app);
      return delta(s0, s, "vertx_http_server_requests_total", "route", "/v1/products/:id") >= 4
        && delta(s0, s, "vertx_http_server_requests_total", "route", favorite, "method", "PUT") >= 2;
    });
    Exposition s6 = scrape(app);
    assertThat(s6.text).contains("vertx_http_server_requests_total");
    assertThat(delta(s0, s6, "vertx_http_server_requests_total", "route", "/v1/products/:id", "code", "404")).isEqualTo(2);
    assertThat(delta(s0, s6, "vertx_http_server_requests_total", "route", "/v1/products/:id", "code", "200")).isEqualTo(2);
    assertThat(delta(s0, s6, "vertx_http_server_requests_total", "route", favorite, "method", "PUT")).isEqualTo(2);
    assertThat(s5.hasPrefix("vertx_eventbus_")).isTrue();
    assertThat(s5.sum("vertx_eventbus_processed_total")).isPositive();
    assertThat(s5.hasPrefix("vertx_pool_")).isTrue();
    assertThat(s5.find("vertx_pool_completed_total", "pool_type", "sql")).isNotEmpty();
    assertThat(s5.sum("vertx_pool_completed_total", "pool_type", "sql")).isPositive();
  }

  @Test
  @DisplayName("the breaker gauge follows open, half-open and closed; retries and dead letters are counted")
  void breakerAndDeadLetters() {
    String customer = app.createCustomer(admin).getString("id");
    String product = app.fakeProducts.newProduct().getString("id");
    Exposition s0 = scrape(app);
    assertThat(s0.value("products_breaker_state", "breaker", "product-api")).isEqualTo(0.0);

    // the API is down: the job's two attempts fail (one retry), the breaker opens, the job is dead-lettered
    app.fakeProducts.down(true);
    HttpResponse<Buffer> accepted = await(app.http.put("/v1/customers/" + customer + "/favorites/" + product)
      .bearerTokenAuthentication(admin).send());
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(202);
    String jobId = accepted.bodyAsJsonObject().getString("jobId");
    Eventually.until(10_000, "the job is dead-lettered", () -> "retries_exhausted".equals(await(app.http
      .get("/v1/jobs/" + jobId).bearerTokenAuthentication(admin).send()).bodyAsJsonObject().getString("reason")));
    // The row says retries_exhausted before the job is counted: the store counts it once the dead letter is
    // published (failed once in a full run: dead_lettered 0). So wait for the count, then hold every count exact.
    Eventually.until(5_000, "the dead-lettered job is counted", () -> delta(s0, scrape(app),
      "favorites_jobs_completed_total", "outcome", "dead_lettered") >= 1);
    // while open, a lookup does not reach the API
    assertThat(product(app, admin, UUID.randomUUID().toString()).statusCode()).isEqualTo(503);
    Exposition s1 = scrape(app);
    assertThat(s1.value("products_breaker_state", "breaker", "product-api")).isEqualTo(2.0);
    assertThat(delta(s0, s1, "products_breaker_transitions_total", "state", "open")).isEqualTo(1);
    assertThat(delta(s0, s1, "favorites_jobs_accepted_total")).isEqualTo(1);
    // Exactly one: attempts are counted in the job row and a delivery whose retry is not due is dropped, so the
    // double delivery seen once in session 1 (two failed attempts 2 ms apart, no retry) can no longer count twice.
    assertThat(delta(s0, s1, "favorites_jobs_retried_total")).isEqualTo(1);
    assertThat(delta(s0, s1, "favorites_jobs_completed_total", "outcome", "dead_lettered")).isEqualTo(1);
    assertThat(delta(s0, s1, "favorites_jobs_completed_total")).isEqualTo(1);
    assertThat(delta(s0, s1, "favorites_jobs_latency_seconds_count", "outcome", "dead_lettered")).isEqualTo(1);
    assertThat(api(s0, s1, "failure")).isEqualTo(2);
    assertThat(api(s0, s1, "short_circuited")).isEqualTo(1);
    assertThat(api(s0, s1, "ok") + api(s0, s1, "not_found")).isZero();

    // after the reset time the breaker is half-open; the API is back, the next lookup closes it
    app.fakeProducts.down(false);
    Eventually.until(BREAKER_RESET_MS + 5000, "the breaker is half-open",
      () -> scrape(app).value("products_breaker_state", "breaker", "product-api") == 1.0);
    assertThat(product(app, admin, product).statusCode()).isEqualTo(200);
    Exposition s2 = scrape(app);
    assertThat(s2.value("products_breaker_state", "breaker", "product-api")).isEqualTo(0.0);
    assertThat(delta(s1, s2, "products_breaker_transitions_total", "state", "half_open")).isEqualTo(1);
    assertThat(delta(s1, s2, "products_breaker_transitions_total", "state", "closed")).isEqualTo(1);
    assertThat(delta(s1, s2, "products_breaker_transitions_total", "state", "open")).isZero();
    assertThat(api(s1, s2, "ok")).isEqualTo(1);
  }

  @Test
  @DisplayName("with METRICS_ENABLED=false /metrics is a 404 problem and adds and lookups work as usual")
  void disabled() {
    JsonObject config = TestApp.defaultConfig().put("METRICS_ENABLED", false);
    config.put("RABBITMQ_QUEUE_PREFIX", config.getString("RABBITMQ_QUEUE_PREFIX") + "-nometrics");
    try (TestApp off = TestApp.start(config)) {
      assertThat(BackendRegistries.getNow(MetricsConfig.from(off.config).registryName())).isNull();
      assertThat(AppMetrics.from(off.config).enabled()).isFalse();
      HttpResponse<Buffer> metrics = await(off.http.get("/metrics").send());
      assertProblem(metrics, 404);

      String token = off.adminToken();
      String customer = off.createCustomer(token).getString("id");
      String product = off.fakeProducts.newProduct().getString("id");
      HttpResponse<Buffer> added = addWait(off, token, customer, product);
      assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
      assertThat(added.bodyAsJsonObject().getString("productId")).isEqualTo(product);
      HttpResponse<Buffer> unknown = addWait(off, token, customer, UUID.randomUUID().toString());
      assertThat(unknown.statusCode()).as(unknown.bodyAsString()).isEqualTo(404);
      assertThat(product(off, token, product).statusCode()).isEqualTo(200);
      assertThat(product(off, token, UUID.randomUUID().toString()).statusCode()).isEqualTo(404);
    }
  }
}
