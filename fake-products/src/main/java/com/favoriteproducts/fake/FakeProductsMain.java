package com.favoriteproducts.fake;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs the stand-in: config from environment variables over the defaults, one verticle instance per core
 * (env {@code INSTANCES} overrides), all sharing one catalog.
 */
public final class FakeProductsMain {

  private static final Logger LOG = LoggerFactory.getLogger(FakeProductsMain.class);

  private FakeProductsMain() { }

  public static void main(String[] args) {
    JsonObject config = FakeProductsConfig.fromEnvironment(System.getenv());
    int instances = instances(System.getenv("INSTANCES"));
    Vertx vertx = Vertx.vertx();
    List<FakeProductsVerticle> started = new CopyOnWriteArrayList<>();
    try {
      vertx.deployVerticle(() -> {
            FakeProductsVerticle verticle = new FakeProductsVerticle();
            started.add(verticle);
            return verticle;
          }, new DeploymentOptions().setConfig(config).setInstances(instances))
          .await();
    } catch (Exception e) {
      LOG.error("fake-products failed to start: {}", e.getMessage(), e);
      vertx.close();
      System.exit(1);
      return;
    }
    LOG.info("fake-products listening on http://127.0.0.1:{}/api/product/ ({} instances)",
        started.get(0).actualPort(), instances);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "fake-products-shutdown"));
  }

  static int instances(String value) {
    if (value != null && !value.isBlank()) {
      try {
        int n = Integer.parseInt(value.trim());
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // fall through
      }
      LOG.warn("INSTANCES='{}' is not a positive integer; using the number of cores", value);
    }
    return Runtime.getRuntime().availableProcessors();
  }
}
