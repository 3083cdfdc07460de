package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * What this node deploys: VERTICLES (a comma list of roles; null when unset, meaning all) and the instances of each
 * role (*_INSTANCES; 0 when unset, meaning the role's default, which {@code Main} knows).
 */
public record DeployConfig(String verticles, int httpInstances, int customersInstances, int favoritesInstances,
                           int jobsInstances, int productsInstances, int webhooksInstances) {

  public static DeployConfig from(JsonObject c) {
    return new DeployConfig(str(c, "VERTICLES", null), integer(c, "HTTP_INSTANCES", 0),
      integer(c, "CUSTOMERS_INSTANCES", 0), integer(c, "FAVORITES_INSTANCES", 0), integer(c, "JOBS_INSTANCES", 0),
      integer(c, "PRODUCTS_INSTANCES", 0), integer(c, "WEBHOOKS_INSTANCES", 0));
  }
}
