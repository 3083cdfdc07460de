package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.longValue;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * Product lookup settings (PRODUCTS_* keys): the product API, its circuit breaker, and the caches in front of it.
 *
 * @param host               product API host, from PRODUCTS_BASE_URL
 * @param port               product API port
 * @param ssl                https
 * @param basePath           path prefix of PRODUCTS_BASE_URL without a trailing slash ("" for none)
 * @param connectTimeoutMs   PRODUCTS_CONNECT_TIMEOUT_MS: TCP connect to the API
 * @param timeoutMs          PRODUCTS_TIMEOUT_MS: one API call, connect included (the breaker's timeout)
 * @param breakerMaxFailures PRODUCTS_BREAKER_MAX_FAILURES: failures (timeouts, connection errors, 5xx) that open it
 * @param breakerResetMs     PRODUCTS_BREAKER_RESET_MS: open time before one trial call (half-open)
 * @param breakerMaxRetries  PRODUCTS_BREAKER_MAX_RETRIES: retries of a failed call inside the breaker (0 or 1)
 * @param maxConcurrency     PRODUCTS_MAX_CONCURRENCY: API calls in flight per verticle instance; more wait in line
 * @param maxQueue           PRODUCTS_MAX_QUEUE: API calls waiting in that line per verticle instance; a lookup past it
 *                           is not queued but answered at once as if the API had failed (STALE, or UNAVAILABLE: 503)
 * @param replyTimeoutMs     PRODUCTS_REPLY_TIMEOUT_MS: a lookup answers within this; entries still waiting for the API
 *                           are answered STALE/UNAVAILABLE while their fetch goes on and fills the cache
 * @param cacheTtlSeconds    PRODUCTS_CACHE_TTL_SECONDS: a cached product is fresh (AVAILABLE) for this long
 * @param staleTtlSeconds    PRODUCTS_STALE_TTL_SECONDS: the last-known copy is kept this long (served only while the
 *                           API fails)
 * @param notFoundTtlSeconds PRODUCTS_NOT_FOUND_TTL_SECONDS: an API "not found" is remembered this long
 * @param cacheTimeoutMs     PRODUCTS_CACHE_TIMEOUT_MS: a Redis command (or connect) slower than this is a miss
 * @param localCacheSize     PRODUCTS_LOCAL_CACHE_SIZE: entries of the in-process cache per instance (0 = off)
 * @param localTtlMs         PRODUCTS_LOCAL_TTL_MS: how long the in-process cache keeps an answer
 */
public record ProductsConfig(String host, int port, boolean ssl, String basePath, int connectTimeoutMs, int timeoutMs,
                             int breakerMaxFailures, long breakerResetMs, int breakerMaxRetries, int maxConcurrency,
                             int maxQueue, long replyTimeoutMs, long cacheTtlSeconds, long staleTtlSeconds,
                             long notFoundTtlSeconds, long cacheTimeoutMs, int localCacheSize, long localTtlMs) {

  public static final String DEFAULT_BASE_URL = "http://localhost:8001";

  public static ProductsConfig from(JsonObject c) {
    String base = str(c, "PRODUCTS_BASE_URL", DEFAULT_BASE_URL);
    URI uri;
    try {
      uri = new URI(base);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("PRODUCTS_BASE_URL is not a URL: '" + base + "'");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException("PRODUCTS_BASE_URL must be an http(s) URL with a host, got '" + base + "'");
    }
    boolean ssl = scheme.equals("https");
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    long cacheTtl = positive(c, "PRODUCTS_CACHE_TTL_SECONDS", 300);
    return new ProductsConfig(uri.getHost(), port, ssl, path,
      (int) positive(c, "PRODUCTS_CONNECT_TIMEOUT_MS", 1000),
      (int) positive(c, "PRODUCTS_TIMEOUT_MS", 2000),
      (int) positive(c, "PRODUCTS_BREAKER_MAX_FAILURES", 5),
      positive(c, "PRODUCTS_BREAKER_RESET_MS", 10_000),
      Math.max(0, Math.min(1, integer(c, "PRODUCTS_BREAKER_MAX_RETRIES", 0))),
      (int) Math.min(1024, positive(c, "PRODUCTS_MAX_CONCURRENCY", 16)),
      (int) Math.min(Integer.MAX_VALUE, Math.max(0, longValue(c, "PRODUCTS_MAX_QUEUE", 1024))),
      positive(c, "PRODUCTS_REPLY_TIMEOUT_MS", 5000),
      cacheTtl,
      Math.max(cacheTtl, positive(c, "PRODUCTS_STALE_TTL_SECONDS", 604_800)),
      positive(c, "PRODUCTS_NOT_FOUND_TTL_SECONDS", 30),
      positive(c, "PRODUCTS_CACHE_TIMEOUT_MS", 500),
      Math.max(0, integer(c, "PRODUCTS_LOCAL_CACHE_SIZE", 10_000)),
      Math.max(0, longValue(c, "PRODUCTS_LOCAL_TTL_MS", 2000)));
  }

  private static long positive(JsonObject c, String key, long def) {
    long v = longValue(c, key, def);
    if (v <= 0) {
      throw new IllegalArgumentException("configuration " + key + " must be positive, got " + v);
    }
    return v;
  }

  /** The API path of one product. */
  public String productPath(String id) {
    return basePath + "/api/product/" + id + "/";
  }

  public String baseUrl() {
    return (ssl ? "https://" : "http://") + host + ":" + port + basePath;
  }
}
