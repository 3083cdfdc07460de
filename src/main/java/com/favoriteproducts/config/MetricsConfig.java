package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import static com.favoriteproducts.config.AppConfig.bool;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * Metrics (METRICS_* keys).
 *
 * @param enabled      METRICS_ENABLED: Vert.x and service meters, and {@code GET /metrics}
 * @param registryName METRICS_REGISTRY: the Micrometer registry of this Vert.x instance (one per instance, so several
 *                     can share a JVM in tests)
 */
public record MetricsConfig(boolean enabled, String registryName) {

  public static MetricsConfig from(JsonObject c) {
    return new MetricsConfig(bool(c, "METRICS_ENABLED", true), str(c, "METRICS_REGISTRY", "favorite-products"));
  }
}
