package com.favoriteproducts;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Lifetimes of cache entries, spread at random below their TTL: entries filled together (a start, a deploy, a burst)
 * would otherwise expire together, and every request behind them take the cold path at once, once per TTL. Used by
 * the edge's response cache and the node's product cache.
 */
public final class Ttl {

  /** Share of the TTL an entry's life is shortened by, at most (uniformly at random). */
  public static final double JITTER = 0.2;

  private Ttl() {
  }

  /** How much a life of {@code ttlMs} may be shortened by, for a {@code jitter} share (0: not at all). */
  public static long jitterMs(long ttlMs, double jitter) {
    return (long) (ttlMs * jitter);
  }

  /** A life between {@code ttlMs - jitterMs} and {@code ttlMs}, at random; never longer than the TTL. */
  public static long life(long ttlMs, long jitterMs) {
    return jitterMs > 0 ? ttlMs - ThreadLocalRandom.current().nextLong(jitterMs + 1) : ttlMs;
  }
}
