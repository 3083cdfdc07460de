package com.favoriteproducts.product;

import com.favoriteproducts.config.ProductsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The node's in-process cache of product answers (a fresh product, or "not found") in front of Redis: a bounded LRU
 * map whose entries expire after PRODUCTS_LOCAL_TTL_MS, and never past the moment the answer stops being fresh.
 *
 * <p>One per Vert.x instance ({@link #shared}), shared by every products verticle instance of the node (they fill it)
 * and every favorites verticle instance (a favorites list reads it first and asks {@code products.getMany} only for
 * what it does not hold, which saves the event-bus round trip and the copy of the products for most lists). Access
 * is synchronized (a short critical section: a hash lookup and an LRU relink). Entries are reply objects shared by
 * reference between threads: never change one after {@link #put}, and never change one got from {@link #get}.
 */
public final class LocalCache implements Shareable {

  private static final String MAP = "fp.products.local-cache";

  private record Entry(JsonObject answer, long expiresAtMillis) {
  }

  private final int maxSize;
  private final long ttlMs;
  private final LongSupplier clock;
  private final LinkedHashMap<String, Entry> map;

  LocalCache(int maxSize, long ttlMs, LongSupplier clockMillis) {
    this.maxSize = maxSize;
    this.ttlMs = ttlMs;
    this.clock = clockMillis;
    this.map = new LinkedHashMap<>(Math.min(maxSize, 1024) * 2, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > LocalCache.this.maxSize;
      }
    };
  }

  /** The node's cache (made by the first caller, with its PRODUCTS_LOCAL_CACHE_SIZE and PRODUCTS_LOCAL_TTL_MS). */
  public static LocalCache shared(Vertx vertx, ProductsConfig cfg) {
    LocalMap<String, LocalCache> m = vertx.sharedData().getLocalMap(MAP);
    LocalCache mine = new LocalCache(cfg.localCacheSize(), cfg.localTtlMs(), System::currentTimeMillis);
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

  /** The answer for the id, or null when absent or expired. */
  public synchronized JsonObject get(String id) {
    if (!enabled()) {
      return null;
    }
    Entry e = map.get(id);
    if (e == null) {
      return null;
    }
    if (clock.getAsLong() >= e.expiresAtMillis) {
      map.remove(id);
      return null;
    }
    return e.answer;
  }

  /** Keeps the answer for the local TTL, but never past {@code validUntilMillis} (when it stops being fresh). */
  public synchronized void put(String id, JsonObject answer, long validUntilMillis) {
    if (!enabled()) {
      return;
    }
    long now = clock.getAsLong();
    long expires = Math.min(now + ttlMs, validUntilMillis);
    if (expires > now) {
      map.put(id, new Entry(answer, expires));
    }
  }

  synchronized int size() {
    return map.size();
  }
}
