package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;

import static com.favoriteproducts.config.AppConfig.bool;
import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.longValue;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * Rate limiting per principal (RATE_LIMIT_* keys): a token bucket in Redis per customer (all of a customer's tokens
 * share it) and one for the admin, shared by every instance of every node. Each HTTP instance takes tokens from a
 * bucket in leases (up to the bucket's {@link Bucket#lease()} per Redis call) and spends them locally.
 *
 * @param enabled        RATE_LIMIT_ENABLED: off, requests are never throttled (and Redis is not asked at all)
 * @param customer       RATE_LIMIT_CUSTOMER_PER_SECOND / _BURST / _LEASE: a customer's bucket (refill rate, capacity,
 *                       tokens one lease takes at most)
 * @param admin          RATE_LIMIT_ADMIN_PER_SECOND / _BURST / _LEASE: the admin's bucket
 * @param writeCost      RATE_LIMIT_WRITE_COST: tokens a POST, PUT, PATCH or DELETE takes (a read takes 1)
 * @param leaseMs        RATE_LIMIT_LEASE_MS: a lease's unspent tokens go back to the bucket this long after it was
 *                       taken (or with the principal's next lease call, whichever comes first)
 * @param timeoutMs      RATE_LIMIT_TIMEOUT_MS: a Redis answer slower than this lets the request through (fail open)
 * @param retryMs        RATE_LIMIT_RETRY_MS: after a Redis failure, requests pass unchecked for this long before
 *                       Redis is tried again (no pile-up of waits while it is down)
 */
public record RateLimitConfig(boolean enabled, Bucket customer, Bucket admin, int writeCost, long timeoutMs,
                              long retryMs, long leaseMs) {

  /**
   * A token bucket: {@code perSecond} tokens added each second (a fraction is fine), at most {@code burst} held;
   * {@code lease} tokens at most taken from it per Redis call (1: every request asks Redis, as a bucket without
   * leases would).
   */
  public record Bucket(double perSecond, int burst, int lease) {
    public Bucket {
      if (!(perSecond >= 0.001) || burst < 1) {
        throw new IllegalArgumentException("rate limits must be at least 0.001 per second and a burst of 1, got "
          + perSecond + "/s, burst " + burst);
      }
      if (lease < 1 || lease > burst) {
        throw new IllegalArgumentException("a rate limit lease must be between 1 and the burst (" + burst + "), got "
          + lease);
      }
    }

    /**
     * The default lease: a tenth of the burst or a tenth of a second's refill, whichever is smaller, at least 1
     * (100/s with bursts of 200: 10 tokens; 100,000/s: 10,000; the tests' tiny buckets: 1).
     */
    public static int defaultLease(double perSecond, int burst) {
      return (int) Math.max(1, Math.floor(Math.min(burst / 10.0, perSecond * 0.1)));
    }

    /** The rate as written in configuration and messages: 100, 0.5. */
    public String rate() {
      return BigDecimal.valueOf(perSecond).stripTrailingZeros().toPlainString();
    }

    /** The window of the advertised policy: the seconds an empty bucket takes to fill (at least 1). */
    public long windowSeconds() {
      return Math.max(1, Math.round(burst / perSecond));
    }
  }

  public RateLimitConfig {
    if (writeCost < 1 || writeCost > Math.min(customer.burst(), admin.burst())) {
      throw new IllegalArgumentException("RATE_LIMIT_WRITE_COST must be between 1 and the smallest burst, got "
        + writeCost);
    }
  }

  public static RateLimitConfig from(JsonObject c) {
    long leaseMs = longValue(c, "RATE_LIMIT_LEASE_MS", 1000);
    if (leaseMs < 10 || leaseMs > 60_000) {
      throw new IllegalArgumentException("RATE_LIMIT_LEASE_MS must be between 10 and 60000, got " + leaseMs);
    }
    return new RateLimitConfig(bool(c, "RATE_LIMIT_ENABLED", true), bucket(c, "CUSTOMER", 100, 200),
      bucket(c, "ADMIN", 100_000, 200_000), integer(c, "RATE_LIMIT_WRITE_COST", 2),
      longValue(c, "RATE_LIMIT_TIMEOUT_MS", 250), longValue(c, "RATE_LIMIT_RETRY_MS", 1000), leaseMs);
  }

  /** RATE_LIMIT_<scope>_PER_SECOND, _BURST and _LEASE (0 or unset: {@link Bucket#defaultLease}). */
  private static Bucket bucket(JsonObject c, String scope, double rate, int burst) {
    double perSecond = decimal(c, "RATE_LIMIT_" + scope + "_PER_SECOND", rate);
    int size = integer(c, "RATE_LIMIT_" + scope + "_BURST", burst);
    int lease = integer(c, "RATE_LIMIT_" + scope + "_LEASE", 0);
    return new Bucket(perSecond, size, lease == 0 ? Bucket.defaultLease(perSecond, size) : lease);
  }

  private static double decimal(JsonObject c, String key, double def) {
    String s = str(c, key, "");
    try {
      return s.isEmpty() ? def : Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration " + key + " must be a number, got '" + s + "'");
    }
  }
}
