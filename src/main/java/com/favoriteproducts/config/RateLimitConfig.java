package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;

import static com.favoriteproducts.config.AppConfig.bool;
import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.longValue;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * Rate limiting per principal (RATE_LIMIT_* keys): a token bucket in Redis per customer (all of a customer's tokens
 * share it) and one for the admin, shared by every instance of every node.
 *
 * @param enabled        RATE_LIMIT_ENABLED: off, requests are never throttled (revocation is still checked in Redis)
 * @param customer       RATE_LIMIT_CUSTOMER_PER_SECOND / _BURST: a customer's bucket (refill rate, capacity)
 * @param admin          RATE_LIMIT_ADMIN_PER_SECOND / _BURST: the admin's bucket
 * @param writeCost      RATE_LIMIT_WRITE_COST: tokens a POST, PUT, PATCH or DELETE takes (a read takes 1)
 * @param timeoutMs      RATE_LIMIT_TIMEOUT_MS: a Redis answer slower than this lets the request through (fail open)
 * @param retryMs        RATE_LIMIT_RETRY_MS: after a Redis failure, requests pass unchecked for this long before
 *                       Redis is tried again (no pile-up of waits while it is down)
 */
public record RateLimitConfig(boolean enabled, Bucket customer, Bucket admin, int writeCost, long timeoutMs,
                              long retryMs) {

  /** A token bucket: {@code perSecond} tokens added each second (a fraction is fine), at most {@code burst} held. */
  public record Bucket(double perSecond, int burst) {
    public Bucket {
      if (!(perSecond >= 0.001) || burst < 1) {
        throw new IllegalArgumentException("rate limits must be at least 0.001 per second and a burst of 1, got "
          + perSecond + "/s, burst " + burst);
      }
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
    return new RateLimitConfig(bool(c, "RATE_LIMIT_ENABLED", true),
      new Bucket(decimal(c, "RATE_LIMIT_CUSTOMER_PER_SECOND", 100), integer(c, "RATE_LIMIT_CUSTOMER_BURST", 200)),
      new Bucket(decimal(c, "RATE_LIMIT_ADMIN_PER_SECOND", 100_000), integer(c, "RATE_LIMIT_ADMIN_BURST", 200_000)),
      integer(c, "RATE_LIMIT_WRITE_COST", 2), longValue(c, "RATE_LIMIT_TIMEOUT_MS", 250),
      longValue(c, "RATE_LIMIT_RETRY_MS", 1000));
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
