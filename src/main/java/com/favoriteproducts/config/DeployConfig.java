package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * What this node deploys: VERTICLES (a comma list of roles; null when unset, meaning all) and the instances of each
 * role (*_INSTANCES; 0 when unset, meaning the role's default, which {@code Main} knows), and HEALTH_PORT: the port on
 * which a node that runs no {@code http} verticle serves its probes and metrics (0, the default: none).
 */
public record DeployConfig(String verticles, int httpInstances, int customersInstances, int favoritesInstances,
                           int jobsInstances, int productsInstances, int webhooksInstances, int healthPort) {

  public static DeployConfig from(JsonObject c) {
    return new DeployConfig(str(c, "VERTICLES", null), integer(c, "HTTP_INSTANCES", 0),
      integer(c, "CUSTOMERS_INSTANCES", 0), integer(c, "FAVORITES_INSTANCES", 0), integer(c, "JOBS_INSTANCES", 0),
      integer(c, "PRODUCTS_INSTANCES", 0), integer(c, "WEBHOOKS_INSTANCES", 0), port(c));
  }

  private static int port(JsonObject c) {
    int p = integer(c, "HEALTH_PORT", 0);
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("configuration HEALTH_PORT must be a port (0-65535; 0 = none), got " + p);
    }
    return p;
  }
}
