package com.favoriteproducts.bridge;

import com.favoriteproducts.bus.FavoriteEvent;
import com.favoriteproducts.support.BridgeClient;
import com.favoriteproducts.support.CloudEvents;
import com.favoriteproducts.support.ClusterHarness;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.NodeProcess;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("TCP event-bus bridge across a cluster")
class BridgeClusterTest {

  @Test
  @DisplayName("an add stored through one node reaches a bridge client of the other node as a CloudEvent, both ways")
  void eventsCrossNodes() {
    try (ClusterHarness cluster = new ClusterHarness()) {
      NodeProcess worker = cluster.start("bridge-worker", "http,customers,favorites,favorites-jobs,products,bridge");
      NodeProcess edge = cluster.start("bridge-edge", "http,bridge");
      for (NodeProcess n : List.of(worker, edge)) {
        n.awaitStarted(Duration.ofSeconds(90));
      }
      WebClient api = cluster.client(worker);
      cluster.awaitMembers(api, 2, Duration.ofSeconds(60));
      String admin = cluster.adminToken(api);
      HttpResponse<Buffer> created = await(api.post("/v1/customers").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("name", "Bridge Cluster").put("email", "bc-" + UUID.randomUUID() + "@example.com")));
      assertThat(created.statusCode()).isEqualTo(201);
      String customer = created.bodyAsJsonObject().getString("id");
      String token = await(api.post("/v1/auth/token").sendJsonObject(new JsonObject()
        .put("token", com.favoriteproducts.support.TestApp.API_TOKEN).put("customerId", customer)))
        .bodyAsJsonObject().getString("access_token");
      String address = "favorites.events." + customer;

      try (BridgeClient onEdge = BridgeClient.connect(cluster.vertx, edge.bridgePort);
           BridgeClient onWorker = BridgeClient.connect(cluster.vertx, worker.bridgePort)) {
        assertThat(onEdge.register(address, token).getJsonObject("body").getString("registered")).isEqualTo(address);
        assertThat(onWorker.register(address, token).getJsonObject("body").getString("registered")).isEqualTo(address);

        // 1. Stored through the worker's HTTP edge; the edge node's bridge client hears it.
        List<String> products = cluster.productIds(2);
        assertThat(await(api.put("/v1/customers/" + customer + "/favorites/" + products.get(0))
          .bearerTokenAuthentication(token).putHeader("Prefer", "wait=10").send()).statusCode()).isEqualTo(201);
        JsonObject first = onEdge.await(f -> address.equals(f.getString("address")), 15_000);
        assertThat(first.getBoolean("send")).isFalse();
        CloudEvents.assertFavoriteEvent(first.getJsonObject("body"), FavoriteEvent.Kind.ADDED, customer, products.get(0));
        JsonObject sameOnWorker = onWorker.await(f -> address.equals(f.getString("address")), 15_000);
        assertThat(sameOnWorker.getJsonObject("body").getString("id"))
          .isEqualTo(first.getJsonObject("body").getString("id"));

        // 2. Sent through the edge node's bridge (served by the worker's favorites verticle over the cluster); the
        // worker's bridge client hears it, and the row is stored.
        JsonObject added = onEdge.request("favorites.add", new JsonObject().put("customerId", customer)
          .put("productId", products.get(1)), token);
        assertThat(added.getString("type")).as("%s", added).isEqualTo("message");
        JsonObject second = onWorker.await(f -> address.equals(f.getString("address")), 15_000);
        CloudEvents.assertFavoriteEvent(second.getJsonObject("body"), FavoriteEvent.Kind.ADDED, customer, products.get(1));
        Eventually.until(5000, "the favorite stored", () -> await(cluster.db.preparedQuery(
            "SELECT count(*) FROM favorites WHERE customer_id = $1 AND product_id = $2")
          .execute(Tuple.of(UUID.fromString(customer), UUID.fromString(products.get(1))))).iterator().next()
          .getLong(0) == 1);
      }
    }
  }
}
