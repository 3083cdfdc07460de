package com.favoriteproducts.auth;

import com.favoriteproducts.support.PrivateRedis;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A revocation holds on every HTTP instance of every node as soon as the revoke call has answered: each request is
 * checked against Redis, not only against the node's copy that the pub/sub keeps current. Every check here is made
 * right after the revoke answered, with no waiting, on new connections (so both HTTP instances of a node answer).
 */
@DisplayName("revocation holds everywhere once the revoke call has answered")
class RevocationTest {

  private static WebClient fresh(TestApp app) {
    return WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(app.port)
      .setKeepAlive(false));
  }

  private static List<Integer> statuses(WebClient client, String customerId, String token, int n) {
    return java.util.stream.IntStream.range(0, n)
      .mapToObj(i -> await(client.get("/v1/customers/" + customerId).bearerTokenAuthentication(token).send()).statusCode())
      .toList();
  }

  private static String jti(String jwt) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8))
      .getString("jti");
  }

  @Test
  @DisplayName("revoked on one node: refused at once by both HTTP instances of this node and of another node")
  void everyInstanceOfEveryNode() {
    try (TestApp a = TestApp.start(); TestApp b = TestApp.start()) {
      String token = a.adminToken();
      String id = a.createCustomer(token).getString("id");
      WebClient onA = fresh(a);
      WebClient onB = fresh(b);
      assertThat(statuses(onA, id, token, 4)).containsOnly(200);
      assertThat(statuses(onB, id, token, 4)).containsOnly(200); // both nodes have verified and cached the token
      assertThat(await(a.http.post("/v1/auth/revoke").bearerTokenAuthentication(token).send()).statusCode())
        .isEqualTo(204);
      assertThat(statuses(onB, id, token, 6)).containsOnly(401);
      assertThat(statuses(onA, id, token, 6)).containsOnly(401);
      assertProblem(await(onB.get("/v1/customers/" + id).bearerTokenAuthentication(token).send()), 401);
    }
  }

  @Test
  @DisplayName("a revocation whose pub/sub message a node never got is still enforced at once (the request asks Redis)")
  void missedAnnouncement() {
    try (TestApp a = TestApp.start()) {
      String admin = a.adminToken();
      String id = a.createCustomer(admin).getString("id");
      String token = a.adminToken();
      WebClient client = fresh(a);
      assertThat(statuses(client, id, token, 4)).containsOnly(200);
      // What Denylist.revoke writes, without the announcement (a subscriber that was disconnected, a lost message).
      await(a.redis().set(List.of("fp:revoked:" + jti(token), "9999999999", "EX", "3600")));
      assertThat(statuses(client, id, token, 6)).containsOnly(401);
      assertThat(statuses(client, id, admin, 2)).as("other tokens pass").containsOnly(200);
    }
  }

  @Test
  @DisplayName("Redis down: revocations known so far stay enforced on every instance, other tokens pass, revoke is 503,"
    + " readiness is DEGRADED with redis and ratelimit DOWN; limits and checks resume when Redis is back")
  void redisDown() {
    try (PrivateRedis redis = startedRedis();
         TestApp a = TestApp.start(TestApp.defaultConfig().put("REDIS_PORT", redis.port).put("REDIS_DB", 0)
           .put("RATE_LIMIT_CUSTOMER_PER_SECOND", "0.1").put("RATE_LIMIT_CUSTOMER_BURST", 3))) {
      String admin = a.adminToken();
      String id = a.createCustomer(admin).getString("id");
      String revoked = a.adminToken();
      String customer = a.customerToken(id);
      WebClient client = fresh(a);
      assertThat(await(a.http.post("/v1/auth/revoke").bearerTokenAuthentication(revoked).send()).statusCode())
        .isEqualTo(204);
      assertThat(statuses(client, id, customer, 4)).containsExactly(200, 200, 200, 429);

      redis.stop();
      assertThat(statuses(client, id, revoked, 6)).as("known revocations stay enforced").containsOnly(401);
      assertThat(statuses(client, id, customer, 6)).as("the limit fails open").containsOnly(200);
      HttpResponse<Buffer> unlimited = await(client.get("/v1/customers/" + id).bearerTokenAuthentication(customer).send());
      assertThat(unlimited.getHeader("RateLimit")).as("no quota advertised while unchecked").isNull();
      assertProblem(await(a.http.post("/v1/auth/revoke").bearerTokenAuthentication(admin).send()), 503);
      HttpResponse<Buffer> ready = await(a.http.get("/health/ready").send());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("DEGRADED");
      assertThat(ready.bodyAsJsonObject().getJsonObject("checks").getString("ratelimit")).isEqualTo("DOWN");
      assertThat(ready.bodyAsJsonObject().getJsonObject("checks").getString("redis")).isEqualTo("DOWN");

      redis.start(); // empty: the buckets start full again
      com.favoriteproducts.support.Eventually.until(20_000, "rate limiting is checked again", () ->
        await(client.get("/v1/customers/" + id).bearerTokenAuthentication(customer).send()).getHeader("RateLimit") != null);
      com.favoriteproducts.support.Eventually.until(20_000, "the customer is limited again", () ->
        await(client.get("/v1/customers/" + id).bearerTokenAuthentication(customer).send()).statusCode() == 429);
      com.favoriteproducts.support.Eventually.until(10_000, "readiness says ratelimit UP", () -> "UP".equals(
        await(a.http.get("/health/ready").send()).bodyAsJsonObject().getJsonObject("checks").getString("ratelimit")));
    }
  }

  private static PrivateRedis startedRedis() {
    PrivateRedis redis = new PrivateRedis();
    redis.start();
    return redis;
  }
}
