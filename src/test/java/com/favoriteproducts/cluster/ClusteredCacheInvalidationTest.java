package com.favoriteproducts.cluster;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("edge caches across a cluster")
class ClusteredCacheInvalidationTest {

  @Test
  @DisplayName("a change made through one node is visible at once on another edge node that had the read cached")
  void invalidationReachesOtherEdges() {
    String cluster = "fp-cache-" + UUID.randomUUID().toString().substring(0, 8);
    int port = 26000 + ThreadLocalRandom.current().nextInt(0, 150) * 50;
    JsonObject base = TestApp.defaultConfig().put("CLUSTER", true).put("CLUSTER_NAME", cluster)
      .put("CLUSTER_PORT", port).put("CLUSTER_MEMBERS", "127.0.0.1").put("EVENTBUS_HOST", "127.0.0.1")
      .put("RESPONSE_CACHE_TTL_MS", 60_000);
    // An edge node (HTTP only) in the same cluster; its configuration is taken before start() adds per-app names.
    JsonObject edgeConfig = base.copy().put("HTTP_PORT", TestApp.freePort()).put("VERTICLES", "http");
    try (TestApp full = TestApp.start(base); TestApp edge = TestApp.start(edgeConfig)) {
      String admin = full.adminToken();
      JsonObject c = full.createCustomer(admin);
      String id = c.getString("id");
      String path = "/v1/customers/" + id;

      // The edge node serves the customer through the cluster and caches it.
      assertThat(await(edge.http.get(path).bearerTokenAuthentication(admin).send()).bodyAsJsonObject().getString("name"))
        .isEqualTo(c.getString("name"));
      assertThat(await(edge.http.get(path + "/favorites").bearerTokenAuthentication(admin).send())
        .bodyAsJsonObject().getJsonArray("items")).isEmpty();

      // Changes made through the other node: a rename and a favorite.
      assertThat(await(full.http.patch(path).bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("name", "Renamed elsewhere"))).statusCode()).isEqualTo(200);
      String product = full.fakeProducts.newProduct().getString("id");
      assertThat(await(full.http.put(path + "/favorites/" + product).bearerTokenAuthentication(admin)
        .putHeader("Prefer", "wait=10").send()).statusCode()).isEqualTo(201);

      // The edge's cached copies were dropped by the cluster-wide events (allow the publish a moment to arrive).
      Eventually.until(2000, "the edge serves the rename and the new favorite",
        () -> "Renamed elsewhere".equals(name(edge, path, admin)) && items(edge, path, admin) == 1);
      assertThat(name(edge, path, admin)).isEqualTo("Renamed elsewhere");
      assertThat(items(edge, path, admin)).isEqualTo(1);
    }
  }

  private static String name(TestApp edge, String path, String token) {
    return await(edge.http.get(path).bearerTokenAuthentication(token).send()).bodyAsJsonObject().getString("name");
  }

  private static int items(TestApp edge, String path, String token) {
    HttpResponse<Buffer> list = await(edge.http.get(path + "/favorites").bearerTokenAuthentication(token).send());
    return list.bodyAsJsonObject().getJsonArray("items").size();
  }
}
