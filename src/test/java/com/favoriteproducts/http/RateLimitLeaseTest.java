package com.favoriteproducts.http;

import com.favoriteproducts.config.MetricsConfig;
import com.favoriteproducts.support.PrivateRedis;
import com.favoriteproducts.support.TestApp;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens taken from the Redis bucket in leases and spent locally: few Redis calls, the cluster-wide limit never
 * exceeded, fail open as before.
 */
@DisplayName("rate limiting by leases")
class RateLimitLeaseTest {

  /** Redis calls the app's rate limiter made (every instance): the count of its batch-size summary. */
  private static long leaseCalls(TestApp app) {
    MeterRegistry registry = BackendRegistries.getNow(MetricsConfig.from(app.config).registryName());
    return registry.find("ratelimit.lease.batch").summaries().stream().mapToLong(DistributionSummary::count).sum();
  }

  private static WebClient oneConnection(TestApp app) {
    return WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(app.port),
      new PoolOptions().setHttp1MaxSize(1));
  }

  private static HttpResponse<Buffer> get(WebClient client, String customerId, String token) {
    return await(client.get("/v1/customers/" + customerId).bearerTokenAuthentication(token).send());
  }

  private static long remaining(HttpResponse<Buffer> r) {
    String h = r.getHeader("RateLimit");
    return Long.parseLong(h.substring(h.indexOf(";r=") + 3, h.indexOf(";t=")));
  }

  @Test
  @DisplayName("a bucket of 200 with leases of 20: 200 requests cost about 10 Redis calls; RateLimit r counts down"
    + " as without leases; the 201st is a 429")
  void fewRedisCalls() {
    try (TestApp app = TestApp.start(TestApp.defaultConfig().put("RATE_LIMIT_CUSTOMER_PER_SECOND", "0.1")
      .put("RATE_LIMIT_CUSTOMER_BURST", 200).put("RATE_LIMIT_CUSTOMER_LEASE", 20)
      .put("RATE_LIMIT_LEASE_MS", 30_000).put("RATE_LIMIT_TIMEOUT_MS", 10_000))) {
      String id = app.createCustomer(app.adminToken()).getString("id");
      String token = app.customerToken(id);
      WebClient client = oneConnection(app); // one connection: one HTTP instance, one lease
      long before = leaseCalls(app);
      for (int i = 0; i < 200; i++) {
        HttpResponse<Buffer> r = get(client, id, token);
        assertThat(r.statusCode()).as("request %d", i + 1).isEqualTo(200);
        // what the principal may still spend: the bucket at the lease plus the lease left (refill: 1 per 10 s)
        assertThat(remaining(r)).as("r of request %d", i + 1).isBetween(199L - i, 201L - i);
      }
      long calls = leaseCalls(app) - before;
      assertThat(calls).as("Redis calls for 200 requests with leases of 20").isBetween(10L, 12L);
      HttpResponse<Buffer> over = get(client, id, token);
      if (over.statusCode() == 200) { // a token refilled meanwhile
        over = get(client, id, token);
      }
      assertProblem(over, 429);
      assertThat(over.getHeader("Retry-After")).isNotNull();
      client.close();
    }
  }

  @Test
  @DisplayName("two nodes (four HTTP instances) hammering one bucket never admit more than burst + rate x time, and"
    + " not much less (under-admission at most the leases the other instances hold)")
  void clusterWideBound() {
    int burst = 60;
    double rate = 20;
    int lease = 10;
    java.util.function.Supplier<io.vertx.core.json.JsonObject> config = () -> TestApp.defaultConfig()
      .put("RATE_LIMIT_CUSTOMER_PER_SECOND", Double.toString(rate)).put("RATE_LIMIT_CUSTOMER_BURST", burst)
      .put("RATE_LIMIT_CUSTOMER_LEASE", lease)
      .put("RATE_LIMIT_TIMEOUT_MS", 10_000); // a busy machine must not make it fail open: that admits unchecked
    // (each with its own HTTP port)
    try (TestApp a = TestApp.start(config.get()); TestApp b = TestApp.start(config.get())) {
      String id = a.createCustomer(a.adminToken()).getString("id");
      String token = a.customerToken(id);
      a.deleteRedisKeys("fp:rl:customer:" + id);
      AtomicInteger admitted = new AtomicInteger();
      AtomicInteger limited = new AtomicInteger();
      AtomicInteger other = new AtomicInteger();
      List<WebClient> clients = new ArrayList<>();
      for (TestApp app : List.of(a, b)) {
        // several connections per node: both of its HTTP instances take leases
        clients.add(WebClient.create(a.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(app.port), new PoolOptions().setHttp1MaxSize(8)));
      }
      long durationMs = 3000;
      long start = System.nanoTime();
      long deadline = start + durationMs * 1_000_000;
      List<Future<Void>> loops = new ArrayList<>();
      for (WebClient client : clients) {
        for (int i = 0; i < 8; i++) {
          Promise<Void> done = Promise.promise();
          loop(client, id, token, deadline, admitted, limited, other, done);
          loops.add(done.future());
        }
      }
      await(Future.all(loops));
      double seconds = (System.nanoTime() - start) / 1e9;
      clients.forEach(WebClient::close);
      double bound = burst + rate * seconds;
      assertThat(other.get()).as("answers other than 200 and 429").isZero();
      assertThat(limited.get()).as("the load went past the limit").isPositive();
      assertThat((double) admitted.get()).as("admitted in %.2f s (bound %.0f)", seconds, bound)
        .isLessThanOrEqualTo(bound);
      assertThat((double) admitted.get()).as("admitted in %.2f s: under-admission at most 4 leases + 1 s of refill",
        seconds).isGreaterThanOrEqualTo(bound - 4 * lease - rate);
    }
  }

  private static void loop(WebClient client, String id, String token, long deadline, AtomicInteger admitted,
                           AtomicInteger limited, AtomicInteger other, Promise<Void> done) {
    if (System.nanoTime() >= deadline) {
      done.complete();
      return;
    }
    client.get("/v1/customers/" + id).bearerTokenAuthentication(token).send().onComplete(ar -> {
      int status = ar.succeeded() ? ar.result().statusCode() : -1;
      (status == 200 ? admitted : status == 429 ? limited : other).incrementAndGet();
      loop(client, id, token, deadline, admitted, limited, other, done);
    });
  }

  @Test
  @DisplayName("Redis down: a lease in hand is still spent (with headers), past it requests pass unchecked (fail open);"
    + " limits resume when Redis is back")
  void failOpenWithLeases() {
    PrivateRedis redis = new PrivateRedis();
    redis.start();
    try (redis; TestApp app = TestApp.start(TestApp.defaultConfig().put("REDIS_PORT", redis.port).put("REDIS_DB", 0)
      .put("RATE_LIMIT_CUSTOMER_PER_SECOND", "0.1").put("RATE_LIMIT_CUSTOMER_BURST", 30)
      .put("RATE_LIMIT_CUSTOMER_LEASE", 10).put("RATE_LIMIT_LEASE_MS", 30_000))) {
      String id = app.createCustomer(app.adminToken()).getString("id");
      String token = app.customerToken(id);
      WebClient client = oneConnection(app);
      assertThat(get(client, id, token).statusCode()).isEqualTo(200); // takes a lease of 10, spends 1
      redis.stop();
      for (int i = 0; i < 9; i++) {
        HttpResponse<Buffer> r = get(client, id, token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("RateLimit")).as("spent from the lease in hand").isNotNull();
      }
      for (int i = 0; i < 40; i++) {
        HttpResponse<Buffer> r = get(client, id, token);
        assertThat(r.statusCode()).as("past the lease, fail open").isEqualTo(200);
        assertThat(r.getHeader("RateLimit")).as("no quota advertised while unchecked").isNull();
      }
      redis.start(); // empty: the bucket starts full again
      com.favoriteproducts.support.Eventually.until(20_000, "the customer is limited again", () ->
        get(client, id, token).statusCode() == 429);
      client.close();
    }
  }
}
