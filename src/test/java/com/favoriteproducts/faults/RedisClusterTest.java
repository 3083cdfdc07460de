package com.favoriteproducts.faults;

import com.favoriteproducts.config.RedisSlots;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.PrivateRedisCluster;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service with REDIS_MODE=cluster on a private Redis Cluster (three masters, a replica each): the favorites flow
 * with the product cache spread over the masters, revocations (script, pub/sub, log) in one hash-tagged slot, and a
 * master killed under traffic (its replica is promoted): reads of favorites never fail, and the cache, the rate
 * limiter and revocations work again by themselves once the cluster is whole.
 */
@DisplayName("Redis Cluster (REDIS_MODE=cluster)")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterTest {

  @RegisterExtension
  @Order(1)
  static final PrivateRedisCluster cluster = new PrivateRedisCluster();
  @RegisterExtension
  @Order(2)
  static final TestApp app = TestApp.perClass(c -> cluster.configure(c)
    .put("EVENTBUS_TIMEOUT_MS", Outage.EVENTBUS_TIMEOUT_MS)
    .put("PRODUCTS_LOCAL_CACHE_SIZE", 0)
    .put("RESPONSE_CACHE_SIZE", 0)
    .put("REVOCATION_POLL_MS", 60_000)
    .put("RATE_LIMIT_ENABLED", true));
  @RegisterExtension
  @Order(3)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  @Test
  @Order(1)
  @DisplayName("the hash slot of a key is the server's (CLUSTER KEYSLOT), hash tags included")
  void slots() {
    for (String key : List.of("foo", "123456789", "fp:product:abc", "fp:{revocations}:log", "fp:rl:customer:x", "{}a",
      "a{}b", "{x}{y}", "ü")) {
      assertThat(RedisSlots.slot(key)).as(key)
        .isEqualTo(Integer.parseInt(cluster.redisCli(0, "cluster", "keyslot", key).trim()));
    }
  }

  @Test
  @Order(2)
  @DisplayName("add, list (product entries on several masters, answered from Redis the second time: one MGET per slot),"
    + " remove; readiness UP")
  void favoritesFlow() {
    String customer = api.newCustomer();
    List<String> products = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      products.add(app.fakeProducts.newProduct().getString("id"));
      api.addNow(customer, products.get(i));
    }
    assertThat(listed(customer)).containsExactlyInAnyOrderElementsOf(products);
    Eventually.until(5000, "every product is cached in the cluster", () -> products.stream()
      .allMatch(id -> await(app.redis().exists(List.of("fp:product:" + id))).toInteger() == 1));
    Set<String> owners = new HashSet<>();
    for (String id : products) {
      owners.add(ownerOf("fp:product:" + id));
    }
    assertThat(owners).as("the product keys spread over the masters").hasSizeGreaterThan(1);

    Map<String, Long> calls = new java.util.HashMap<>();
    products.forEach(id -> calls.put(id, app.fakeProducts.calls(id)));
    double hits = redisHits();
    HttpResponse<Buffer> page = api.list(customer, "limit=100");
    assertThat(page.statusCode()).isEqualTo(200);
    JsonObject first = page.bodyAsJsonObject();
    assertThat(first.encode()).as("the products' details are in the list").contains(products.get(0));
    products.forEach(id -> assertThat(app.fakeProducts.calls(id)).as("no API call for cached " + id).isEqualTo(calls.get(id)));
    assertThat(redisHits() - hits).as("answered from the Redis cluster").isGreaterThanOrEqualTo(products.size());

    assertThat(api.delete(customer, products.get(0)).statusCode()).isIn(202, 204);
    Eventually.until(10_000, "the removed product is gone from the list", () -> !listed(customer).contains(products.get(0)));
    Eventually.until(15_000, "readiness is UP (last: " + Traffic.readiness(app) + ")",
      () -> Traffic.readinessIs(app, 200, "UP", Map.of()));
  }

  @Test
  @Order(3)
  @DisplayName("revoke over HTTP: the token is refused; a revocation announced on any node's channel (cluster pub/sub)"
    + " is enforced at once, long before the next log poll")
  void revocation() {
    String customer = api.newCustomer();
    String token = app.adminToken();
    assertThat(customerStatus(customer, token)).isEqualTo(200);
    assertThat(await(app.http.post("/v1/auth/revoke").bearerTokenAuthentication(token).send()).statusCode()).isEqualTo(204);
    assertThat(customerStatus(customer, token)).isEqualTo(401);
    assertThat(await(app.redis().exists(List.of("fp:{revocations}:revoked:" + jti(token)))).toInteger()).isEqualTo(1);

    // pub/sub: published on each node in turn (the subscriber is on one master; the cluster forwards PUBLISH)
    for (int node = 0; node < PrivateRedisCluster.NODES; node++) {
      String other = app.adminToken();
      assertThat(customerStatus(customer, other)).isEqualTo(200);
      cluster.redisCli(node, "publish", "fp:revocations", jti(other) + ":9999999999");
      Eventually.until(3000, "a revocation published on node " + node + " is enforced",
        () -> customerStatus(customer, other) == 401);
    }
  }

  @Test
  @Order(4)
  @DisplayName("a master killed under adds and reads: no favorites read fails, other answers are successes or 503s;"
    + " its replica promoted, the service is UP again by itself, caches and revokes; the node rejoins")
  void masterKilled() throws Exception {
    List<String> customers = Outage.customersWithAFavorite(api, 4);
    int victim = cluster.masters().get(0);
    long down;
    long recovered;
    Traffic traffic = new Traffic(api, customers, 3, 15_000);
    try {
      traffic.awaitSuccesses(3, 20_000, "adds and reads succeed before the kill");
      down = System.currentTimeMillis();
      cluster.kill(victim);
      // Not awaitOk alone: right after the kill the others still say cluster_state:ok (they notice after the 2 s node
      // timeout). The promotion is what recovery needs.
      Eventually.until(30_000, "the victim's replica is promoted", () -> !cluster.masters().contains(victim));
      cluster.awaitOk(30_000);
      try {
        Eventually.until(30_000, "readiness is UP again", () -> Traffic.readinessIs(app, 200, "UP", Map.of()));
      } catch (AssertionError e) {
        int alive = cluster.masters().get(0);
        throw new AssertionError(e.getMessage() + "; last readiness: " + Traffic.readiness(app) + "; cluster nodes: "
          + cluster.redisCli(alive, "cluster", "nodes") + "; logs: " + cluster.logs(), e);
      }
      traffic.awaitSuccesses(3, 20_000, "adds and reads succeed after the failover");
      recovered = System.currentTimeMillis();
      Eventually.elapse(1000, "traffic goes on after the recovery");
    } finally {
      traffic.close();
    }
    assertThat(cluster.masters()).as("a replica was promoted").hasSize(3).doesNotContain(victim);
    List<Traffic.Outcome> during = traffic.between(down, recovered);
    assertThat(during.stream().filter(o -> o.op() == Traffic.Op.LIST).toList()).as("favorites reads while a master was lost")
      .isNotEmpty().allMatch(Traffic.Outcome::success);
    Traffic.assertOnlySuccessOr503(during, Outage.MAX_ANSWER_MS, "while a master was lost");
    Traffic.assertAllSucceeded(traffic.between(0, down), "before the kill");
    Traffic.assertAllSucceeded(traffic.between(recovered, Long.MAX_VALUE), "after the recovery");
    traffic.assertAcceptedAddsStoredOnce(30_000);

    // the cache is written again, on every master (products spread over all slots)
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String id = app.fakeProducts.newProduct().getString("id");
      ids.add(id);
      assertThat(await(app.http.get("/v1/products/" + id).bearerTokenAuthentication(api.admin).send()).statusCode())
        .isEqualTo(200);
    }
    Eventually.until(10_000, "products are cached in the healed cluster", () -> ids.stream()
      .allMatch(id -> await(app.redis().exists(List.of("fp:product:" + id))).toInteger() == 1));
    String token = app.adminToken();
    Eventually.until(10_000, "revocations work again", () -> await(app.http.post("/v1/auth/revoke")
      .bearerTokenAuthentication(token).send()).statusCode() == 204);
    assertThat(customerStatus(customers.get(0), token)).isEqualTo(401);

    cluster.restart(victim);
    Eventually.until(30_000, "the killed node rejoins as a replica",
      () -> cluster.redisCli(victim, "role").startsWith("slave") && cluster.clusterInfo(victim).contains("cluster_state:ok"));
  }

  private String ownerOf(String key) {
    String slot = cluster.redisCli(0, "cluster", "keyslot", key).trim();
    for (int i = 0; i < PrivateRedisCluster.NODES; i++) {
      if (cluster.redisCli(i, "role").startsWith("master")
        && !cluster.redisCli(i, "cluster", "countkeysinslot", slot).trim().equals("0")) {
        return String.valueOf(i);
      }
    }
    return "?";
  }

  private static List<String> listed(String customer) {
    HttpResponse<Buffer> r = api.list(customer, "limit=100");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    r.bodyAsJsonObject().getJsonArray("items").forEach(o -> ids.add(((JsonObject) o).getString("productId")));
    return ids;
  }

  private static int customerStatus(String customer, String token) {
    return await(app.http.get("/v1/customers/" + customer).bearerTokenAuthentication(token).send()).statusCode();
  }

  private static double redisHits() {
    String text = await(app.http.get("/metrics").send()).bodyAsString();
    Matcher m = Pattern.compile("(?m)^products_cache_requests_total\\{[^}]*result=\"redis_hit\"[^}]*} ([0-9.eE+]+)$")
      .matcher(text);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  private static String jti(String jwt) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8))
      .getString("jti");
  }
}
