package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import static com.favoriteproducts.config.AppConfig.longValue;

/**
 * Bounds of the favorites verticle's accept path (FAVORITES_ACCEPT_* keys).
 *
 * @param queueMax  FAVORITES_ACCEPT_QUEUE_MAX: adds waiting for an accept statement per favorites verticle instance;
 *                  an add past it is refused at once (503)
 * @param timeoutMs FAVORITES_ACCEPT_TIMEOUT_MS: how long a caller of {@code favorites.add} that does not say
 *                  ({@code timeoutMs} in the request) is taken to wait; an add whose caller has given up is not written
 */
public record AcceptConfig(int queueMax, long timeoutMs) {

  public static AcceptConfig from(JsonObject c) {
    long queue = longValue(c, "FAVORITES_ACCEPT_QUEUE_MAX", 2048);
    long timeout = longValue(c, "FAVORITES_ACCEPT_TIMEOUT_MS", 5000);
    if (queue < 0 || queue > Integer.MAX_VALUE || timeout < 1) {
      throw new IllegalArgumentException("FAVORITES_ACCEPT_QUEUE_MAX must be 0 or more and FAVORITES_ACCEPT_TIMEOUT_MS"
        + " positive, got " + queue + " and " + timeout);
    }
    return new AcceptConfig((int) queue, timeout);
  }
}
