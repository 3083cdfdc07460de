package com.favoriteproducts.scale;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.PrivatePostgres;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes across two clustered nodes, both running the customers and favorites verticles with a replica 2 s
 * behind: a change made through one node's edge is read back at once through the other's (the request may be served
 * by either node's verticles: the one that made the change pins itself, the other learns it from the change event).
 */
@Tag("scale")
@DisplayName("PostgreSQL read replicas across a cluster")
class ReadReplicasClusterTest {

  @RegisterExtension
  @Order(1)
  static final PrivatePostgres primary = new PrivatePostgres();
  @RegisterExtension
  @Order(2)
  static final PrivatePostgres replica = PrivatePostgres.replicaOf(primary, 2000);

  @Test
  @DisplayName("a rename, an add and a remove made through one node are seen by the next read through the other")
  void readYourWritesAcrossNodes() {
    String cluster = "fp-replicas-" + UUID.randomUUID().toString().substring(0, 8);
    int port = 27000 + ThreadLocalRandom.current().nextInt(0, 100) * 50;
    JsonObject base = primary.configure(TestApp.defaultConfig()).put("CLUSTER", true).put("CLUSTER_NAME", cluster)
      .put("CLUSTER_PORT", port).put("CLUSTER_MEMBERS", "127.0.0.1").put("EVENTBUS_HOST", "127.0.0.1")
      .put("PG_READ_HOSTS", "127.0.0.1:" + replica.port).put("PG_READ_CHECK_INTERVAL_MS", 200)
      .put("RESPONSE_CACHE_SIZE", 0).put("CUSTOMERS_INSTANCES", 1).put("FAVORITES_INSTANCES", 1);
    JsonObject otherConfig = base.copy().put("HTTP_PORT", TestApp.freePort()).put("BRIDGE_PORT", TestApp.freePort())
      .put("VERTICLES", "http,customers,favorites");
    try (TestApp one = TestApp.start(base); TestApp other = TestApp.start(otherConfig)) {
      String admin = one.adminToken();
      List<String> customers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String id = one.createCustomer(admin).getString("id");
        assertThat(await(other.http.get("/v1/customers/" + id).bearerTokenAuthentication(admin).send()).statusCode())
          .as("a new customer read through the other node").isEqualTo(200);
        customers.add(id);
      }
      // The replica has the customers (past the 2 s delay and their pins): from here on it shows their old state.
      Eventually.elapse(3000, "let the replica replay the customers");
      for (int i = 0; i < customers.size(); i++) {
        String path = "/v1/customers/" + customers.get(i);

        String name = "Renamed " + i;
        assertThat(await(one.http.patch(path).bearerTokenAuthentication(admin)
          .sendJsonObject(new JsonObject().put("name", name))).statusCode()).isEqualTo(200);
        assertThat(await(other.http.get(path).bearerTokenAuthentication(admin).send()).bodyAsJsonObject()
          .getString("name")).as("round %d: the rename read through the other node", i).isEqualTo(name);

        String product = one.fakeProducts.newProduct().getString("id");
        assertThat(await(one.http.put(path + "/favorites/" + product).bearerTokenAuthentication(admin)
          .putHeader("Prefer", "wait=10").send()).statusCode()).isEqualTo(201);
        assertThat(items(other, path, admin)).as("round %d: the add read through the other node", i).isEqualTo(1);

        assertThat(await(one.http.delete(path + "/favorites/" + product).bearerTokenAuthentication(admin).send())
          .statusCode()).isEqualTo(204);
        assertThat(items(other, path, admin)).as("round %d: the remove read through the other node", i).isZero();
      }
    }
  }

  private static int items(TestApp edge, String path, String token) {
    HttpResponse<Buffer> list = await(edge.http.get(path + "/favorites").bearerTokenAuthentication(token).send());
    return list.bodyAsJsonObject().getJsonArray("items").size();
  }
}
