package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.longValue;

/**
 * Token revocation (REVOCATION_* keys): revoked token ids live in Redis, each node follows them in memory.
 *
 * @param pollMs       REVOCATION_POLL_MS: how often every HTTP instance reads the revocation log for entries it has
 *                     not seen, the bound on how late a node whose pub/sub announcement was lost enforces a revocation
 * @param logMaxLength REVOCATION_LOG_MAX_LENGTH: entries the log (a Redis stream) keeps, about (trimmed with
 *                     {@code MAXLEN ~}); an instance that falls further behind than this reloads every revocation
 */
public record RevocationConfig(long pollMs, int logMaxLength) {

  public RevocationConfig {
    if (pollMs < 10 || pollMs > 60_000) {
      throw new IllegalArgumentException("REVOCATION_POLL_MS must be between 10 and 60000, got " + pollMs);
    }
    if (logMaxLength < 100) {
      throw new IllegalArgumentException("REVOCATION_LOG_MAX_LENGTH must be at least 100, got " + logMaxLength);
    }
  }

  public static RevocationConfig from(JsonObject c) {
    return new RevocationConfig(longValue(c, "REVOCATION_POLL_MS", 1000),
      integer(c, "REVOCATION_LOG_MAX_LENGTH", 100_000));
  }
}
