package com.favoriteproducts.cluster;

import com.favoriteproducts.examples.FavoritesWatcherVerticle;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("another service's verticle in the cluster (examples/)")
class ExampleVerticleClusterTest {

  @Test
  @DisplayName("gets a customer over customers.get and receives favorites.added and favorites.removed from another node")
  void exampleVerticleUsesTheEventBusApi() {
    String cluster = "fp-example-" + UUID.randomUUID().toString().substring(0, 8);
    int port = 24000 + ThreadLocalRandom.current().nextInt(0, 200) * 50;
    JsonObject config = TestApp.defaultConfig().put("CLUSTER", true).put("CLUSTER_NAME", cluster)
      .put("CLUSTER_PORT", port).put("CLUSTER_MEMBERS", "127.0.0.1").put("EVENTBUS_HOST", "127.0.0.1");
    try (TestApp service = TestApp.start(config)) {
      String admin = service.adminToken();
      JsonObject customer = service.createCustomer(admin);

      // A separate clustered Vert.x (another service's node) that runs only the example verticle.
      JsonObject other = config.copy().put("METRICS_ENABLED", false).put("VERTICLES", "");
      Vertx otherNode = await(com.favoriteproducts.cluster.Nodes.build(other));
      try {
        FavoritesWatcherVerticle watcher = new FavoritesWatcherVerticle();
        await(otherNode.deployVerticle(watcher, new DeploymentOptions()
          .setConfig(new JsonObject().put("customerId", customer.getString("id")))));
        assertThat(watcher.customer()).isNotNull();
        assertThat(watcher.customer().getString("email")).isEqualTo(customer.getString("email"));
        assertThat(watcher.customer().getString("name")).isEqualTo(customer.getString("name"));

        String product = service.fakeProducts.newProduct().getString("id");
        HttpResponse<Buffer> added = await(service.http.put("/v1/customers/" + customer.getString("id") + "/favorites/" + product)
          .bearerTokenAuthentication(admin).putHeader("Prefer", "wait=10").send());
        assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
        Eventually.until(10_000, "favorites.added reaches the other node",
          () -> watcher.events().stream().anyMatch(e -> "added".equals(e.getString("kind"))));
        JsonObject event = watcher.events().get(0);
        assertThat(event.getString("customerId")).isEqualTo(customer.getString("id"));
        assertThat(event.getString("productId")).isEqualTo(product);
        assertThat(event.getString("at")).isNotBlank();

        assertThat(await(service.http.delete("/v1/customers/" + customer.getString("id") + "/favorites/" + product)
          .bearerTokenAuthentication(admin).send()).statusCode()).isEqualTo(204);
        Eventually.until(10_000, "favorites.removed reaches the other node",
          () -> watcher.events().stream().anyMatch(e -> "removed".equals(e.getString("kind"))));
      } finally {
        await(otherNode.close());
      }
    }
  }
}
