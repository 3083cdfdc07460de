package com.favoriteproducts.product;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A small in-process cache of answers (a fresh product, or "not found") in front of Redis: a bounded LRU map whose
 * entries expire after a few seconds. One per verticle instance, used only from its event loop (no locking).
 * Entries are reply objects shared by reference: never change one after {@link #put}.
 */
final class LocalCache {

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

  boolean enabled() {
    return maxSize > 0 && ttlMs > 0;
  }

  /** The answer for the id, or null when absent or expired. */
  JsonObject get(String id) {
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
  void put(String id, JsonObject answer, long validUntilMillis) {
    if (!enabled()) {
      return;
    }
    long expires = Math.min(clock.getAsLong() + ttlMs, validUntilMillis);
    if (expires > clock.getAsLong()) {
      map.put(id, new Entry(answer, expires));
    }
  }

  int size() {
    return map.size();
  }
}
