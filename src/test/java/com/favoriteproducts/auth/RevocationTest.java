package com.favoriteproducts.auth;

import com.favoriteproducts.support.Eventually;
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
 * A revocation holds on every HTTP instance of the node that revoked as soon as the revoke call has answered, on
 * every other node within milliseconds (pub/sub), and at most REVOCATION_POLL_MS (+ a round trip) later where the
 * announcement was lost (every instance polls the revocation log). Requests are checked against the node's set only:
 * no Redis round trip per request. Checks are made on new connections (so both HTTP instances of a node answer).
 */
@DisplayName("revocation: at once on the revoking node, within milliseconds elsewhere, at most REVOCATION_POLL_MS late")
class RevocationTest {

  /** The poll period of the "missed announcement" test, and the slack a busy 2-core machine needs on top. */
  private static final long POLL_MS = 300;
  private static final long SLACK_MS = 1700;

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
  @DisplayName("revoked on one node: refused at once by both HTTP instances of this node, and within a second (pub/sub,"
    + " milliseconds) by both instances of another node")
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
      assertThat(statuses(onA, id, token, 6)).as("the revoking node, at once").containsOnly(401);
      Eventually.until(1000, "the other node refuses the token", () -> statuses(onB, id, token, 1).get(0) == 401);
      assertThat(statuses(onB, id, token, 6)).containsOnly(401);
      assertProblem(await(onB.get("/v1/customers/" + id).bearerTokenAuthentication(token).send()), 401);
    }
  }

  @Test
  @DisplayName("a revocation whose pub/sub message a node never got is enforced by every instance within"
    + " REVOCATION_POLL_MS (+ a round trip): the instances poll the revocation log")
  void missedAnnouncement() {
    try (TestApp a = TestApp.start(TestApp.defaultConfig().put("REVOCATION_POLL_MS", POLL_MS))) {
      String admin = a.adminToken();
      String id = a.createCustomer(admin).getString("id");
      String token = a.adminToken();
      WebClient client = fresh(a);
      assertThat(statuses(client, id, token, 4)).containsOnly(200);
      // What Denylist.revoke writes, without the announcement (a subscriber that was disconnected, a lost message).
      String jti = jti(token);
      await(a.redis().set(List.of("fp:revoked:" + jti, "9999999999", "EX", "3600")));
      await(a.redis().xadd(List.of("fp:revocations:log", "*", "jti", jti, "exp", "9999999999")));
      long written = System.nanoTime();
      // Both instances: every request on a new connection, and two in a row must be refused.
      Eventually.until(POLL_MS + SLACK_MS, "the token is refused without its announcement",
        () -> statuses(client, id, token, 2).equals(List.of(401, 401)));
      long ms = (System.nanoTime() - written) / 1_000_000;
      assertThat(ms).as("refused within REVOCATION_POLL_MS + slack").isLessThanOrEqualTo(POLL_MS + SLACK_MS);
      assertThat(statuses(client, id, token, 6)).containsOnly(401);
      assertThat(statuses(client, id, admin, 2)).as("other tokens pass").containsOnly(200);
    }
  }

  @Test
  @DisplayName("an instance that fell behind a trimmed revocation log reloads every revocation")
  void trimmedLog() {
    try (TestApp a = TestApp.start(TestApp.defaultConfig().put("REVOCATION_POLL_MS", POLL_MS)
      .put("REVOCATION_LOG_MAX_LENGTH", 100))) {
      String admin = a.adminToken();
      String id = a.createCustomer(admin).getString("id");
      String token = a.adminToken();
      WebClient client = fresh(a);
      assertThat(statuses(client, id, token, 2)).containsOnly(200);
      // Unannounced, and its log entry trimmed away by 300 later ones before any poll could read it.
      String jti = jti(token);
      await(a.redis().eval(List.of("""
        redis.call('SET', KEYS[1], '9999999999', 'EX', 3600)
        redis.call('XADD', KEYS[2], '*', 'jti', ARGV[1], 'exp', '9999999999')
        for i = 1, 300 do redis.call('XADD', KEYS[2], 'MAXLEN', 100, '*', 'jti', 'other-' .. i, 'exp', 1) end
        return 1
        """, "2", "fp:revoked:" + jti, "fp:revocations:log", jti)));
      Eventually.until(POLL_MS + SLACK_MS + 1000, "the token is refused although its log entry was trimmed",
        () -> statuses(client, id, token, 2).equals(List.of(401, 401)));
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
