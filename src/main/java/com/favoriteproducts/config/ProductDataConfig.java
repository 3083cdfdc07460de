package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import static com.favoriteproducts.config.AppConfig.integer;

/**
 * Bounds on the product data the product API sends (PRODUCTS_MAX_* keys): what the service accepts from it before
 * caching and storing a product (see {@code product.Product#fromApi}).
 *
 * @param maxTextLength PRODUCTS_MAX_TEXT_LENGTH: characters of a title or brand; a longer title makes the product
 *                      unusable (INVALID), a longer brand is dropped
 * @param maxUrlLength  PRODUCTS_MAX_URL_LENGTH: characters of the image URL; a longer one is dropped
 */
public record ProductDataConfig(int maxTextLength, int maxUrlLength) {

  public static ProductDataConfig from(JsonObject c) {
    ProductDataConfig cfg = new ProductDataConfig(integer(c, "PRODUCTS_MAX_TEXT_LENGTH", 1000),
      integer(c, "PRODUCTS_MAX_URL_LENGTH", 2048));
    if (cfg.maxTextLength < 1 || cfg.maxUrlLength < 1) {
      throw new IllegalArgumentException("PRODUCTS_MAX_TEXT_LENGTH and PRODUCTS_MAX_URL_LENGTH must be >= 1");
    }
    return cfg;
  }
}
