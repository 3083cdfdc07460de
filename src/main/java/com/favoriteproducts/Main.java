package com.favoriteproducts;

import com.favoriteproducts.auth.JwtSettings;
import com.favoriteproducts.config.AppConfig;
import com.favoriteproducts.config.PgConfig;
import com.favoriteproducts.customer.CustomerVerticle;
import com.favoriteproducts.db.Migrations;
import com.favoriteproducts.http.HttpVerticle;
import com.favoriteproducts.product.ProductVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * Loads the configuration, builds Vert.x and deploys the verticles named by {@code VERTICLES}
 * (a comma list of {@code http, customers, favorites-jobs, products}; default all).
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  public static final String HTTP = "http";
  public static final String CUSTOMERS = "customers";
  public static final String FAVORITES_JOBS = "favorites-jobs";
  public static final String PRODUCTS = "products";
  static final List<String> ALL = List.of(HTTP, CUSTOMERS, FAVORITES_JOBS, PRODUCTS);

  private Main() {
  }

  public static void main(String[] args) {
    long t0 = System.nanoTime();
    JsonObject config;
    try {
      config = AppConfig.load();
      String notes = JwtSettings.prepare(config);
      if (!notes.isEmpty()) {
        LOG.warn(notes);
      }
    } catch (RuntimeException e) {
      LOG.error("bad configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions());
    deploy(vertx, config).onSuccess(ids -> LOG.info("favorite-products started in {} ms: {} on HTTP port {}",
        (System.nanoTime() - t0) / 1_000_000, verticles(config), integer(config, "HTTP_PORT", 8000)))
      .onFailure(err -> {
        LOG.error("start-up failed: {}", err.getMessage(), err);
        vertx.close().onComplete(x -> System.exit(1));
      });
  }

  /** The verticles this node runs, validated. */
  public static Set<String> verticles(JsonObject config) {
    Set<String> names = new LinkedHashSet<>();
    for (String raw : str(config, "VERTICLES", String.join(",", ALL)).split(",")) {
      String n = raw.trim().toLowerCase(Locale.ROOT);
      if (n.isEmpty()) {
        continue;
      }
      if (!ALL.contains(n)) {
        throw new IllegalArgumentException("unknown verticle '" + n + "' in VERTICLES; known: " + ALL);
      }
      names.add(n);
    }
    return names;
  }

  /**
   * Runs the schema migrations when this node hosts a verticle that uses PostgreSQL, then deploys the verticles.
   * Completes with the deployment ids.
   */
  public static Future<List<String>> deploy(Vertx vertx, JsonObject config) {
    Set<String> names;
    try {
      names = verticles(config);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Future<?> schema = names.contains(CUSTOMERS) || names.contains(FAVORITES_JOBS)
      ? vertx.executeBlocking(() -> Migrations.load(vertx, PgConfig.from(config))).compose(Migrations::run)
      : Future.succeededFuture();
    int cores = Runtime.getRuntime().availableProcessors();
    return schema.compose(v -> {
      List<Future<String>> deployments = new ArrayList<>();
      for (String name : names) {
        DeploymentOptions options = new DeploymentOptions().setConfig(config);
        switch (name) {
          case HTTP -> deployments.add(vertx.deployVerticle(HttpVerticle.class,
            options.setInstances(instances(config, "HTTP_INSTANCES", cores))));
          case CUSTOMERS -> deployments.add(vertx.deployVerticle(CustomerVerticle.class,
            options.setInstances(instances(config, "CUSTOMERS_INSTANCES", cores))));
          // One instance by default: the breaker, the single flight and the in-process cache are per instance.
          case PRODUCTS -> deployments.add(vertx.deployVerticle(ProductVerticle.class,
            options.setInstances(instances(config, "PRODUCTS_INSTANCES", 1))));
          default -> LOG.warn("verticle '{}' is not part of this build yet; skipped", name);
        }
      }
      return Future.all(deployments).map(cf -> cf.<String>list());
    });
  }

  private static int instances(JsonObject config, String key, int def) {
    int n = integer(config, key, 0);
    return n > 0 ? n : def;
  }
}
