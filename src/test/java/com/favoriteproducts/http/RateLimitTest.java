package com.favoriteproducts.http;

import com.favoriteproducts.config.RateLimitConfig;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.function.UnaryOperator;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token buckets per principal in Redis. Refill one token every 5 s (0.2 per second), so the second or so a test takes
 * on a busy machine adds no whole token; a customer holds 5, the admin 40; a write costs 2.
 */
@DisplayName("rate limiting per principal")
class RateLimitTest {

  static final UnaryOperator<JsonObject> LIMITS = c -> c.put("RATE_LIMIT_CUSTOMER_PER_SECOND", "0.2")
    .put("RATE_LIMIT_CUSTOMER_BURST", 5).put("RATE_LIMIT_ADMIN_PER_SECOND", "0.2").put("RATE_LIMIT_ADMIN_BURST", 40)
    .put("RATE_LIMIT_WRITE_COST", 2);

  @RegisterExtension
  static final TestApp app = TestApp.perClass(LIMITS);

  @BeforeEach
  void fullBuckets() {
    app.deleteRedisKeys("fp:rl:*");
  }

  private static HttpResponse<Buffer> get(WebClient client, String customerId, String token) {
    return await(client.get("/v1/customers/" + customerId).bearerTokenAuthentication(token).send());
  }

  private String newCustomer() {
    String id = app.createCustomer(app.adminToken()).getString("id");
    app.deleteRedisKeys("fp:rl:*"); // what creating it cost the admin
    return id;
  }

  @Test
  @DisplayName("a customer over its burst gets 429 with Retry-After, RateLimit-Policy and RateLimit; others are unaffected")
  void customerOverBurst() {
    String a = newCustomer();
    String b = newCustomer();
    String tokenA = app.customerToken(a);
    for (int i = 4; i >= 0; i--) {
      HttpResponse<Buffer> ok = get(app.http, a, tokenA);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.getHeader("RateLimit-Policy")).isEqualTo("\"customer\";q=5;w=25");
      assertThat(ok.getHeader("RateLimit")).matches("\"customer\";r=" + i + ";t=[0-9]+");
    }
    HttpResponse<Buffer> limited = get(app.http, a, tokenA);
    JsonObject problem = assertProblem(limited, 429);
    assertThat(problem.getString("type")).isEqualTo("/problems/rate-limited");
    String retryAfter = limited.getHeader("Retry-After");
    assertThat(Integer.parseInt(retryAfter)).as("seconds until a token is back").isBetween(1, 5);
    assertThat(problem.getString("detail")).contains("0.2 requests per second").contains("retry after " + retryAfter + " s");
    assertThat(limited.getHeader("RateLimit-Policy")).isEqualTo("\"customer\";q=5;w=25");
    assertThat(limited.getHeader("RateLimit")).isEqualTo("\"customer\";r=0;t=" + retryAfter);

    // another token of the same customer shares its bucket
    assertProblem(get(app.http, a, app.customerToken(a)), 429);
    assertThat(get(app.http, b, app.customerToken(b)).statusCode()).as("another customer").isEqualTo(200);
    assertThat(get(app.http, a, app.adminToken()).statusCode()).as("the admin, on the same customer").isEqualTo(200);

    // The bucket refills: one token every 5 s.
    com.favoriteproducts.support.Eventually.until(15_000, "customer a gets a token back",
      () -> get(app.http, a, tokenA).statusCode() == 200);
  }

  @Test
  @DisplayName("a write costs RATE_LIMIT_WRITE_COST tokens; a 429 takes none")
  void writesCostMore() {
    String c = newCustomer();
    String token = app.customerToken(c);
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> r = await(app.http.patch("/v1/customers/" + c).bearerTokenAuthentication(token)
        .sendJsonObject(new JsonObject().put("name", "Name " + i)));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.getHeader("RateLimit")).startsWith("\"customer\";r=" + (3 - 2 * i) + ";");
    }
    HttpResponse<Buffer> third = await(app.http.patch("/v1/customers/" + c).bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("name", "Refused")));
    assertProblem(third, 429);
    assertThat(get(app.http, c, token).statusCode()).as("one token is left for a read").isEqualTo(200);
    assertProblem(get(app.http, c, token), 429);
    assertThat(get(app.http, c, app.adminToken()).bodyAsJsonObject().getString("name"))
      .as("the refused write changed nothing").isEqualTo("Name 1");
  }

  @Test
  @DisplayName("the admin gets its higher limit")
  void adminHigherLimit() {
    String c = newCustomer();
    String admin = app.adminToken();
    for (int i = 0; i < 40; i++) {
      HttpResponse<Buffer> r = get(app.http, c, admin);
      assertThat(r.statusCode()).as("admin request %d", i + 1).isEqualTo(200);
      assertThat(r.getHeader("RateLimit-Policy")).isEqualTo("\"admin\";q=40;w=200");
    }
    assertProblem(get(app.http, c, admin), 429);
    assertThat(get(app.http, c, app.customerToken(c)).statusCode()).as("the customer's own bucket").isEqualTo(200);
  }

  @Test
  @DisplayName("the bucket is in Redis: shared by both HTTP instances (a new connection per request) and by another node")
  void sharedAcrossInstancesAndNodes() {
    try (TestApp other = TestApp.start(LIMITS.apply(TestApp.defaultConfig()))) {
      String c = newCustomer();
      String token = app.customerToken(c);
      WebClient fresh = WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(app.port).setKeepAlive(false));
      assertThat(app.config.getInteger("HTTP_INSTANCES")).isEqualTo(2);
      for (int i = 0; i < 5; i++) {
        assertThat(get(fresh, c, token).statusCode()).as("request %d", i + 1).isEqualTo(200);
      }
      for (int i = 0; i < 4; i++) {
        assertProblem(get(fresh, c, token), 429); // one bucket per instance would have let 5 more through
      }
      assertThat(await(app.redis().hget("fp:rl:customer:" + c, "tokens")).toString()).startsWith("0");
      assertProblem(await(other.http.get("/v1/customers/" + c).bearerTokenAuthentication(token).send()), 429);
      fresh.close();
    }
  }

  @Test
  @DisplayName("the defaults are on, with limits the benchmark's single admin token and the tests never reach")
  void defaults() {
    RateLimitConfig d = RateLimitConfig.from(new JsonObject());
    assertThat(d.enabled()).isTrue();
    assertThat(List.of(d.customer().rate(), d.customer().burst(), d.admin().rate(), d.admin().burst(),
      d.writeCost())).containsExactly("100", 200, "100000", 200_000, 2);
    assertThat(List.of(d.customer().lease(), d.admin().lease(), (int) d.leaseMs())).as("leases: customer, admin, ms")
      .containsExactly(10, 10_000, 1000);
    assertThat(RateLimitConfig.from(LIMITS.apply(new JsonObject())).customer().lease())
      .as("a tiny bucket leases one token: every request asks Redis").isEqualTo(1);
    assertThat(AdmissionHandler.policy("admin", d.admin())).isEqualTo("\"admin\";q=200000;w=2");
  }
}
