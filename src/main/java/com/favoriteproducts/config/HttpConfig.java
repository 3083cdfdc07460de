package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.longValue;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * The REST edge (HTTP_*, BODY_LIMIT_BYTES, EVENTBUS_TIMEOUT_MS, RESPONSE_CACHE_* and FAVORITES_WAIT_MAX_CONCURRENT
 * keys).
 *
 * @param host                        HTTP_HOST
 * @param port                        HTTP_PORT
 * @param bodyLimitBytes              BODY_LIMIT_BYTES: larger request bodies get 413
 * @param eventbusTimeoutMs           EVENTBUS_TIMEOUT_MS: how long the edge waits for a verticle's reply (then 503)
 * @param responseCacheSize           RESPONSE_CACHE_SIZE: entries of the edge's response cache (0 = off)
 * @param responseCacheTtlMs          RESPONSE_CACHE_TTL_MS: how long a cached response may be served
 * @param responseCacheMaxBytes       RESPONSE_CACHE_MAX_BYTES: bytes the response cache may hold in all
 * @param responseCacheMaxBytesPerCustomer RESPONSE_CACHE_MAX_BYTES_PER_CUSTOMER: bytes of one customer's entries
 * @param headerTimeoutMs             HTTP_HEADER_TIMEOUT_MS: a new connection's first request header must be complete
 *                                    within this, or the connection is closed (408)
 * @param keepAliveTimeoutMs          HTTP_KEEP_ALIVE_TIMEOUT_MS: after a response, the next request header on the
 *                                    connection must be complete within this, or the connection is closed
 * @param idleTimeoutMs               HTTP_IDLE_TIMEOUT_MS: a connection with no bytes read or written for this long is
 *                                    closed, also while a request is in progress (keep it above the longest
 *                                    {@code Prefer: wait})
 * @param maxConnections              HTTP_MAX_CONNECTIONS: open connections of this node's HTTP verticles together;
 *                                    more are closed at once
 * @param waitMaxConcurrent           FAVORITES_WAIT_MAX_CONCURRENT: adds waiting for their job at once on this node
 *                                    ({@code Prefer: wait}); more are answered 202 at once
 */
public record HttpConfig(String host, int port, int bodyLimitBytes, long eventbusTimeoutMs, int responseCacheSize,
                         long responseCacheTtlMs, long responseCacheMaxBytes, long responseCacheMaxBytesPerCustomer,
                         long headerTimeoutMs, long keepAliveTimeoutMs, long idleTimeoutMs, int maxConnections,
                         int waitMaxConcurrent) {

  public static HttpConfig from(JsonObject c) {
    return new HttpConfig(str(c, "HTTP_HOST", "0.0.0.0"), integer(c, "HTTP_PORT", 8000),
      integer(c, "BODY_LIMIT_BYTES", 64 * 1024), longValue(c, "EVENTBUS_TIMEOUT_MS", 5_000),
      integer(c, "RESPONSE_CACHE_SIZE", 20_000), longValue(c, "RESPONSE_CACHE_TTL_MS", 60_000),
      atLeast(c, "RESPONSE_CACHE_MAX_BYTES", 48L << 20, 0),
      atLeast(c, "RESPONSE_CACHE_MAX_BYTES_PER_CUSTOMER", 1L << 20, 0),
      atLeast(c, "HTTP_HEADER_TIMEOUT_MS", 10_000, 1), atLeast(c, "HTTP_KEEP_ALIVE_TIMEOUT_MS", 60_000, 1),
      atLeast(c, "HTTP_IDLE_TIMEOUT_MS", 120_000, 1), (int) atLeast(c, "HTTP_MAX_CONNECTIONS", 4096, 1),
      (int) atLeast(c, "FAVORITES_WAIT_MAX_CONCURRENT", 1_000, 0));
  }

  private static long atLeast(JsonObject c, String key, long def, long min) {
    long v = longValue(c, key, def);
    if (v < min) {
      throw new IllegalArgumentException("configuration " + key + " must be at least " + min + ", got " + v);
    }
    return v;
  }
}
