package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.longValue;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * The REST edge (HTTP_*, BODY_LIMIT_BYTES, EVENTBUS_TIMEOUT_MS and RESPONSE_CACHE_* keys).
 *
 * @param host               HTTP_HOST
 * @param port               HTTP_PORT
 * @param bodyLimitBytes     BODY_LIMIT_BYTES: larger request bodies get 413
 * @param eventbusTimeoutMs  EVENTBUS_TIMEOUT_MS: how long the edge waits for a verticle's reply (then 503)
 * @param responseCacheSize  RESPONSE_CACHE_SIZE: entries of the edge's response cache (0 = off)
 * @param responseCacheTtlMs RESPONSE_CACHE_TTL_MS: how long a cached response may be served
 */
public record HttpConfig(String host, int port, int bodyLimitBytes, long eventbusTimeoutMs, int responseCacheSize,
                         long responseCacheTtlMs) {

  public static HttpConfig from(JsonObject c) {
    return new HttpConfig(str(c, "HTTP_HOST", "0.0.0.0"), integer(c, "HTTP_PORT", 8000),
      integer(c, "BODY_LIMIT_BYTES", 64 * 1024), longValue(c, "EVENTBUS_TIMEOUT_MS", 5_000),
      integer(c, "RESPONSE_CACHE_SIZE", 20_000), longValue(c, "RESPONSE_CACHE_TTL_MS", 60_000));
  }
}
