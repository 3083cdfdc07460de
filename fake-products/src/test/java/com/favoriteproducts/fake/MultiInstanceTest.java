package com.favoriteproducts.fake;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class MultiInstanceTest {

  @Test
  @DisplayName("instances of one deployment share catalog, faults and stats; a second deployment has its own")
  void sharedPerDeployment(Vertx vertx) {
    List<FakeProductsVerticle> instances = new CopyOnWriteArrayList<>();
    JsonObject config = new JsonObject().put("PORT", 0).put("CATALOG_SIZE", 10).put("ADMIN_ENABLED", true);
    vertx.deployVerticle(() -> {
      FakeProductsVerticle v = new FakeProductsVerticle();
      instances.add(v);
      return v;
    }, new DeploymentOptions().setConfig(config).setInstances(2)).await();
    assertThat(instances).hasSize(2);
    int port = instances.get(0).actualPort();
    assertThat(instances.get(1).actualPort()).isEqualTo(port);

    Product first = CatalogGenerator.product(FakeProductsConfig.DEFAULT_CATALOG_SEED, 0);
    String uri = "/api/product/" + first.id() + "/";
    // One connection per request, so both instances (event loops) get requests.
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false), new PoolOptions());
    assertThat(send(http, port, HttpMethod.POST, "/__admin/faults", "{\"down\":true}")).isEqualTo(200);
    for (int i = 0; i < 10; i++) {
      assertThat(send(http, port, HttpMethod.GET, uri, null)).isEqualTo(503);
    }
    JsonObject stats = new JsonObject(http.request(HttpMethod.GET, port, "127.0.0.1", "/__admin/stats")
        .compose(r -> r.send().compose(res -> res.body())).await());
    assertThat(stats.getLong("productCalls")).isEqualTo(10);

    FakeProductsVerticle other = new FakeProductsVerticle();
    vertx.deployVerticle(other, new DeploymentOptions().setConfig(config.copy())).await();
    assertThat(send(http, other.actualPort(), HttpMethod.GET, uri, null)).isEqualTo(200);
    http.close();
  }

  private static int send(HttpClient http, int port, HttpMethod method, String uri, String body) {
    return http.request(method, port, "127.0.0.1", uri)
        .compose(req -> body == null ? req.send() : req.send(body))
        .map(res -> res.statusCode())
        .await();
  }
}
