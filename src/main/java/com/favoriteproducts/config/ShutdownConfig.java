package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import static com.favoriteproducts.config.AppConfig.bool;
import static com.favoriteproducts.config.AppConfig.longValue;

/**
 * Graceful stop (SHUTDOWN_* keys).
 *
 * @param timeoutMs SHUTDOWN_TIMEOUT_MS: how long HTTP requests in flight may take to finish once a stop begins
 * @param drainMs   SHUTDOWN_DRAIN_MS: how long a verticle waits, after unregistering its event-bus consumers, for
 *                  requests already on their way (default 1 s when clustered, 0 alone)
 */
public record ShutdownConfig(long timeoutMs, long drainMs) {

  public static ShutdownConfig from(JsonObject c) {
    boolean clustered = bool(c, "CLUSTER", false);
    return new ShutdownConfig(longValue(c, "SHUTDOWN_TIMEOUT_MS", 15_000),
      longValue(c, "SHUTDOWN_DRAIN_MS", clustered ? 1000 : 0));
  }
}
