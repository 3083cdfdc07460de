package com.favoriteproducts.bus;

import io.vertx.core.json.JsonObject;

/**
 * Page sizes of the listing addresses ({@code customers.list}, {@code favorites.list}, {@code jobs.dead.list}) and of
 * {@code products.getMany}: one definition for the verticles that enforce them and the HTTP edge that fills defaults.
 */
public final class Paging {

  private Paging() {
  }

  /** {@code limit} of customers.list and favorites.list when absent, and its maximum. */
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;
  /** {@code limit} of jobs.dead.list when absent, and its maximum (larger values are clamped, not refused). */
  public static final int DEAD_DEFAULT_LIMIT = 100;
  public static final int DEAD_MAX_LIMIT = 1000;
  /** The most ids one products.getMany takes. */
  public static final int MAX_PRODUCT_IDS = 1000;

  /** The {@code limit} of a list request: {@link #DEFAULT_LIMIT} when absent, a 400 outside 1..{@link #MAX_LIMIT}. */
  public static int limit(JsonObject body) {
    int limit = body.getInteger("limit", DEFAULT_LIMIT);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw BusFailure.invalid("invalid query", "limit", "must be between 1 and " + MAX_LIMIT);
    }
    return limit;
  }

  /** The {@code limit} of jobs.dead.list, clamped to 1..{@link #DEAD_MAX_LIMIT}. */
  public static int deadLimit(JsonObject body) {
    return Math.max(1, Math.min(DEAD_MAX_LIMIT, body.getInteger("limit", DEAD_DEFAULT_LIMIT)));
  }
}
