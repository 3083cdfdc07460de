package com.favoriteproducts.bus;

import io.vertx.core.json.JsonObject;

/**
 * What the product service knows of a product, as {@code products.get} and {@code products.getMany} report it in
 * {@code availability} (and favorites listings pass on): the wire value is the constant's name.
 */
public enum Availability {
  /** Fresh from the product API or its cache. */
  AVAILABLE,
  /** A last-known copy, served because the product API is failing. */
  STALE,
  /** The product API says the product does not exist. */
  NOT_FOUND,
  /** The product API is failing and nothing is known about the product. */
  UNAVAILABLE,
  /**
   * The product API answered with data the service cannot use (a title with only control characters, a price that
   * is not a number, ...) and nothing else is known: not {@link #NOT_FOUND}, and retrying does not help until the API
   * sends better data. An add job of it fails as {@code invalid_product}; a favorite of it is served from its snapshot.
   */
  INVALID;

  /** The availability of a reply entry; {@link #UNAVAILABLE} for none or an unknown value. */
  public static Availability of(JsonObject product) {
    String value = product == null ? null : product.getString("availability");
    if (value == null) {
      return UNAVAILABLE;
    }
    return switch (value) {
      case "AVAILABLE" -> AVAILABLE;
      case "STALE" -> STALE;
      case "NOT_FOUND" -> NOT_FOUND;
      case "INVALID" -> INVALID;
      default -> UNAVAILABLE;
    };
  }

  /** AVAILABLE or STALE: the entry carries product data. */
  public boolean known() {
    return this == AVAILABLE || this == STALE;
  }
}
