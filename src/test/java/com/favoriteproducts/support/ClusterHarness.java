package com.favoriteproducts.support;

import com.favoriteproducts.fake.FakeProductsVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static com.favoriteproducts.support.TestApp.await;

/**
 * A cluster of service nodes, each in its own JVM, on loopback: a unique cluster name and port range, a unique
 * RabbitMQ prefix, the test database, and a fake-products deployment in this JVM that every node calls.
 * This JVM is not a cluster member: it talks to the cluster only through an edge node's REST API, like a shop app.
 */
public final class ClusterHarness implements AutoCloseable {

  public final Vertx vertx;
  public final FakeProducts fakeProducts;
  public final Pool db;
  public final JsonObject baseConfig;
  private final List<NodeProcess> nodes = new ArrayList<>();

  public ClusterHarness() {
    vertx = Vertx.vertx();
    FakeProductsVerticle fake = new FakeProductsVerticle();
    await(vertx.deployVerticle(fake, new DeploymentOptions().setConfig(new JsonObject()
      .put("PORT", 0).put("CATALOG_SIZE", 200).put("ADMIN_ENABLED", true))));
    fakeProducts = new FakeProducts(vertx, fake.actualPort());
    String id = UUID.randomUUID().toString().substring(0, 8);
    baseConfig = TestServices.config()
      .put("RABBITMQ_QUEUE_PREFIX", "test-cluster-" + id)
      .put("CLUSTER", "true").put("CLUSTER_NAME", "fp-test-" + id)
      .put("CLUSTER_PORT", 20000 + ThreadLocalRandom.current().nextInt(0, 400) * 50)
      .put("CLUSTER_MEMBERS", "127.0.0.1").put("EVENTBUS_HOST", "127.0.0.1")
      .put("API_TOKEN", TestApp.API_TOKEN).put("JWT_SECRET", "cluster-test-secret-" + UUID.randomUUID())
      .put("PRODUCTS_BASE_URL", fakeProducts.url)
      .put("HTTP_INSTANCES", 1).put("CUSTOMERS_INSTANCES", 1).put("FAVORITES_INSTANCES", 1).put("PG_POOL_SIZE", 4)
      .put("METRICS_ENABLED", "false").put("EVENTBUS_TIMEOUT_MS", 4000)
      .put("JOBS_SWEEP_INTERVAL_MS", 1000).put("JOBS_UNPUBLISHED_AFTER_MS", 3000)
      .put("SHUTDOWN_TIMEOUT_MS", 10000).put("LOG_LEVEL", "INFO");
    db = PgBuilder.pool().with(new PoolOptions().setMaxSize(2).setName("cluster-test-" + id))
      .connectingTo(com.favoriteproducts.config.PgConfig.from(baseConfig).connectOptions()).using(vertx).build();
  }

  /** Starts a node running the given verticles (HTTP and the bridge on free ports when it runs them). */
  public NodeProcess start(String name, String verticles) {
    JsonObject c = baseConfig.copy().put("VERTICLES", verticles).put("HTTP_PORT", TestApp.freePort())
      .put("BRIDGE_PORT", TestApp.freePort());
    NodeProcess node = NodeProcess.start(name, c, c.getInteger("HTTP_PORT"));
    nodes.add(node);
    return node;
  }

  public WebClient client(NodeProcess edge) {
    return WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(edge.httpPort)
      .setConnectTimeout(2000).setIdleTimeout(30).setKeepAlive(true));
  }

  /** Waits until the edge node answers ready and sees the expected number of cluster members. */
  public void awaitMembers(WebClient edge, int members, Duration timeout) {
    Eventually.until(timeout.toMillis(), members + " cluster members ready", () -> {
      try {
        HttpResponse<Buffer> r = edge.get("/health/ready").send().await(5, TimeUnit.SECONDS);
        return r.statusCode() == 200
          && r.bodyAsJsonObject().getJsonObject("checks").getInteger("clusterMembers", 0) == members;
      } catch (Exception e) {
        return false;
      }
    });
  }

  public String adminToken(WebClient edge) {
    HttpResponse<Buffer> r = await(edge.post("/v1/auth/token").sendJsonObject(new JsonObject().put("token", TestApp.API_TOKEN)));
    if (r.statusCode() != 200) {
      throw new AssertionError("token: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getString("access_token");
  }

  /** Product ids of the fake catalog. */
  public List<String> productIds(int n) {
    WebClient c = WebClient.create(vertx);
    JsonArray products = await(c.getAbs(fakeProducts.url + "/api/product/?page=1").send()).bodyAsJsonObject()
      .getJsonArray("products");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < Math.min(n, products.size()); i++) {
      ids.add(products.getJsonObject(i).getString("id"));
    }
    return ids;
  }

  @Override
  public void close() {
    nodes.forEach(NodeProcess::close);
    await(db.close());
    Rabbit.deleteTopology(vertx, baseConfig);
    await(vertx.close());
  }
}
