package com.favoriteproducts.db;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.concurrent.ConcurrentHashMap;

/**
 * When this node last learned of a change, by key (a customer id, {@link #CUSTOMERS} for any customer,
 * {@link #DEAD_JOBS} for the dead-letter list): the reads of a key changed after what a replica is known to have
 * replayed go to the primary ({@link ReadPools}). One per node, shared by every pool owner on it, so a change noted by
 * the verticle that made it holds for the node's other instances at once. Bounded: when full, {@link #overflowing}
 * sends every keyed read to the primary until entries expire.
 */
public final class Pins implements Shareable {

  /** Any customer created, changed or deleted: the customer list and email lookups. */
  public static final String CUSTOMERS = "customers";
  /** Dead jobs replayed: the dead-letter list. */
  public static final String DEAD_JOBS = "jobs.dead";

  private final ConcurrentHashMap<String, Long> changedAt = new ConcurrentHashMap<>();
  private final int max;
  private volatile long overflowUntil;

  Pins(int max) {
    this.max = max;
  }

  static Pins shared(Vertx vertx, int max) {
    LocalMap<String, Pins> m = vertx.sharedData().getLocalMap("favorite-products.read-pins");
    Pins mine = new Pins(max);
    Pins theirs = m.putIfAbsent("pins", mine);
    return theirs != null ? theirs : mine;
  }

  /** Notes a change of {@code key} now (the caller learned of it now: after its commit). */
  void changed(String key, long now, long holdMs) {
    if (changedAt.size() >= max && !changedAt.containsKey(key)) {
      overflowUntil = now + holdMs;
      return;
    }
    changedAt.merge(key, now, Math::max);
  }

  /** When the key last changed, or {@link Long#MIN_VALUE}. */
  long changedAt(String key) {
    Long t = changedAt.get(key);
    return t == null ? Long.MIN_VALUE : t;
  }

  boolean overflowing(long now) {
    return now < overflowUntil;
  }

  /** Forgets changes before {@code before}: every replica that takes reads has replayed them. */
  void expire(long before) {
    changedAt.values().removeIf(t -> t < before);
  }

  int size() {
    return changedAt.size();
  }

  @Override
  public Shareable copy() {
    return this;
  }
}
