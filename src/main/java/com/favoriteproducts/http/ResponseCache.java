package com.favoriteproducts.http;

import io.vertx.core.buffer.Buffer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The edge's cache of rendered read responses (a customer, a page of favorites), per HTTP verticle instance and
 * confined to its event loop (no locks).
 *
 * <p>Entries are dropped as soon as the event bus says the customer changed ({@code customers.changed},
 * {@code favorites.added}, {@code favorites.removed}, published cluster-wide), and in any case after
 * {@code RESPONSE_CACHE_TTL_MS}, which bounds how far product details in a cached page may lag behind the product
 * cache. Authorization runs before the cache is consulted, on every request.
 *
 * <p>A response computed while its customer was invalidated is not stored: each fill carries the invalidation epoch
 * seen when its request started ({@link #epoch()}).
 */
final class ResponseCache {

  record Entry(String customerId, Buffer body, String etag, long expiresAt) {
  }

  private final int capacity;
  private final long ttlMs;
  private final LinkedHashMap<String, Entry> entries;
  private final Map<String, Set<String>> keysByCustomer = new HashMap<>();
  /** Epoch of the last invalidation of each recently invalidated customer (bounded: oldest forgotten first). */
  private final LinkedHashMap<String, Long> invalidatedAt;
  private long epoch;
  /** Highest epoch forgotten from {@link #invalidatedAt}: fills that started before it are not trusted. */
  private long forgottenUpTo;

  ResponseCache(int capacity, long ttlMs) {
    this.capacity = capacity;
    this.ttlMs = ttlMs;
    this.entries = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        if (size() > ResponseCache.this.capacity) {
          unindex(eldest.getKey(), eldest.getValue().customerId());
          return true;
        }
        return false;
      }
    };
    this.invalidatedAt = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        if (size() > 100_000) {
          forgottenUpTo = Math.max(forgottenUpTo, eldest.getValue());
          return true;
        }
        return false;
      }
    };
  }

  boolean enabled() {
    return capacity > 0 && ttlMs > 0;
  }

  long epoch() {
    return epoch;
  }

  Entry get(String key, long now) {
    if (!enabled()) {
      return null;
    }
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (e.expiresAt() <= now) {
      entries.remove(key);
      unindex(key, e.customerId());
      return null;
    }
    return e;
  }

  /** Stores the response unless the customer was invalidated since {@code startEpoch}. */
  void put(String key, String customerId, long startEpoch, Buffer body, String etag, long now) {
    if (!enabled() || forgottenUpTo > startEpoch) {
      return;
    }
    Long last = invalidatedAt.get(customerId);
    if (last != null && last > startEpoch) {
      return;
    }
    Entry previous = entries.put(key, new Entry(customerId, body, etag, now + ttlMs));
    if (previous == null) {
      keysByCustomer.computeIfAbsent(customerId, c -> new HashSet<>(4)).add(key);
    }
  }

  void invalidate(String customerId) {
    if (customerId == null) {
      return;
    }
    String id = customerId.toLowerCase();
    epoch++;
    invalidatedAt.remove(id);
    invalidatedAt.put(id, epoch);
    Set<String> keys = keysByCustomer.remove(id);
    if (keys != null) {
      keys.forEach(entries::remove);
    }
  }

  int size() {
    return entries.size();
  }

  private void unindex(String key, String customerId) {
    Set<String> keys = keysByCustomer.get(customerId);
    if (keys != null) {
      keys.remove(key);
      if (keys.isEmpty()) {
        keysByCustomer.remove(customerId);
      }
    }
  }
}
