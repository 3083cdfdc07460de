package com.favoriteproducts.auth;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Revoked token ids ({@code jti}) in Redis, each kept until the token would have expired.
 *
 * <p>Redis being down must not take the API down: checks then fail open (a revoked token is accepted again until
 * Redis is back) and revocations answer 503. The README says so.
 */
public final class Denylist {

  private static final Logger LOG = LoggerFactory.getLogger(Denylist.class);
  private static final String PREFIX = "fp:revoked:";
  private static final long WARN_EVERY_MS = 10_000;

  private final RedisAPI redis;
  private final AtomicLong lastWarn = new AtomicLong();

  public Denylist(RedisAPI redis) {
    this.redis = redis;
  }

  public Future<Void> revoke(String jti, long expEpochSeconds) {
    long ttl = Math.max(1, expEpochSeconds - System.currentTimeMillis() / 1000);
    return redis.set(List.of(PREFIX + jti, "1", "EX", Long.toString(ttl))).mapEmpty();
  }

  /** True when revoked; false when not, or when Redis cannot tell (fail open). */
  public Future<Boolean> isRevoked(String jti) {
    if (jti == null) {
      return Future.succeededFuture(false);
    }
    return redis.exists(List.of(PREFIX + jti)).map(r -> r != null && r.toInteger() > 0).recover(err -> {
      long now = System.currentTimeMillis();
      long last = lastWarn.get();
      if (now - last > WARN_EVERY_MS && lastWarn.compareAndSet(last, now)) {
        LOG.warn("token denylist unavailable (Redis: {}); accepting tokens without the revocation check", err.getMessage());
      }
      return Future.succeededFuture(false);
    });
  }
}
