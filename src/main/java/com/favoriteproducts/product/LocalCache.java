package com.favoriteproducts.product;

import com.favoriteproducts.Ttl;
import com.favoriteproducts.bus.ProductView;
import com.favoriteproducts.config.ProductsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The node's in-process cache of product answers (a fresh product, or "not found") in front of Redis: a bounded map
 * whose entries expire after PRODUCTS_LOCAL_TTL_MS, and never past the moment the answer stops being fresh.
 *
 * <p>One per Vert.x instance ({@link #shared}), shared by every products verticle instance of the node (they fill it)
 * and every favorites verticle instance (a favorites list reads it first and asks {@code products.getMany} only for
 * what it does not hold, which saves the event-bus round trip and the copy of the products for most lists). A
 * {@link ConcurrentHashMap}: reads take no lock (a synchronized LRU map cost 4% of a cold list's event-loop time,
 * ten lookups per list from several event loops). Bounded by PRODUCTS_LOCAL_CACHE_SIZE: a put that takes it an
 * eighth over the bound drops the expired entries and then those closest to expiry (the oldest, since every entry
 * lives the same TTL at most) until it is an eighth under, so eviction costs O(1) per put on average. Entries are
 * reply objects shared by reference between threads: never change one after {@link #put}, nor one got from
 * {@link #get}.
 */
public final class LocalCache implements Shareable {

  private static final String MAP = "fp.products.local-cache";

  /** The answer, and its fields read once for the favorites lists that read them ({@link #view}). */
  private record Entry(JsonObject answer, ProductView view, long expiresAtMillis) {
  }

  private final int maxSize;
  private final long ttlMs;
  private final long jitterMs;
  private final LongSupplier clock;
  private final ConcurrentHashMap<UUID, Entry> map;
  private final AtomicBoolean evicting = new AtomicBoolean();

  LocalCache(int maxSize, long ttlMs, LongSupplier clockMillis) {
    this(maxSize, ttlMs, 0, clockMillis);
  }

  /**
   * {@code jitter}: each entry lives up to {@code jitter * ttlMs} less than the TTL, at random, so entries put together
   * (a cold start, one list's ten products) do not all expire in the same instant and send their lists to the product
   * verticle in one wave ({@link Ttl}).
   */
  LocalCache(int maxSize, long ttlMs, double jitter, LongSupplier clockMillis) {
    this.jitterMs = Ttl.jitterMs(ttlMs, jitter);
    this.maxSize = maxSize;
    this.ttlMs = ttlMs;
    this.clock = clockMillis;
    this.map = new ConcurrentHashMap<>(Math.min(Math.max(maxSize, 16), 1 << 16));
  }

  /** The node's cache (made by the first caller, with its PRODUCTS_LOCAL_CACHE_SIZE and PRODUCTS_LOCAL_TTL_MS). */
  public static LocalCache shared(Vertx vertx, ProductsConfig cfg) {
    LocalMap<String, LocalCache> m = vertx.sharedData().getLocalMap(MAP);
    LocalCache made = m.get("cache");
    if (made != null) {
      return made;
    }
    LocalCache mine = new LocalCache(cfg.localCacheSize(), cfg.localTtlMs(), Ttl.JITTER, System::currentTimeMillis);
    LocalCache theirs = m.putIfAbsent("cache", mine);
    return theirs != null ? theirs : mine;
  }

  /** Shared as it is: the local map must not copy it. */
  @Override
  public Shareable copy() {
    return this;
  }

  public boolean enabled() {
    return maxSize > 0 && ttlMs > 0;
  }

  /** The answer for the id (a UUID string), or null when absent or expired. */
  public JsonObject get(String id) {
    UUID key = key(id);
    Entry e = key == null ? null : entry(key);
    return e == null ? null : e.answer;
  }

  /** The answer for the id as a {@link ProductView} (made once, when it was put), or null when absent or expired. */
  public ProductView view(UUID id) {
    Entry e = entry(id);
    return e == null ? null : e.view;
  }

  /**
   * Keyed by UUID, not by the id's text: a favorites list looks its products up by the UUIDs its rows hold, and a
   * text key meant a new string per lookup, hashed and compared by its 36 characters (a string-keyed lookup took
   * 92 ns against 16 on this machine, 10,000 entries; the lookups were 6% of a cold list's profiled service CPU).
   */
  private static UUID key(String id) {
    try {
      return id == null ? null : UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Entry entry(UUID id) {
    if (!enabled()) {
      return null;
    }
    Entry e = map.get(id);
    if (e == null) {
      return null;
    }
    if (clock.getAsLong() >= e.expiresAtMillis) {
      map.remove(id, e);
      return null;
    }
    return e;
  }

  /** Keeps the answer for the local TTL, but never past {@code validUntilMillis} (when it stops being fresh). */
  public void put(String id, JsonObject answer, long validUntilMillis) {
    if (!enabled()) {
      return;
    }
    UUID key = key(id);
    if (key == null) {
      return;
    }
    long now = clock.getAsLong();
    long expires = Math.min(now + Ttl.life(ttlMs, jitterMs), validUntilMillis);
    if (expires <= now) {
      return;
    }
    map.put(key, new Entry(answer, ProductView.of(answer), expires));
    if (map.size() > maxSize + Math.max(1, maxSize / 8)) {
      evict(now);
    }
  }

  /** Down to an eighth under the bound: the expired entries, then those closest to expiry. One thread at a time. */
  private void evict(long now) {
    if (!evicting.compareAndSet(false, true)) {
      return;
    }
    try {
      map.values().removeIf(e -> e.expiresAtMillis <= now);
      int target = maxSize - maxSize / 8;
      int excess = map.size() - target;
      if (excess <= 0) {
        return;
      }
      List<Map.Entry<UUID, Entry>> all = new ArrayList<>(map.entrySet());
      all.sort(Comparator.comparingLong(en -> en.getValue().expiresAtMillis));
      for (int i = 0; i < excess && i < all.size(); i++) {
        map.remove(all.get(i).getKey(), all.get(i).getValue());
      }
    } finally {
      evicting.set(false);
    }
  }

  int size() {
    return map.size();
  }
}
