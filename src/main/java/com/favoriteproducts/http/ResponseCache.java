package com.favoriteproducts.http;

import com.favoriteproducts.Ttl;
import com.favoriteproducts.metrics.AppMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.buffer.Buffer;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * The edge's cache of rendered read responses (a customer, a page of favorites), one per Vert.x instance, shared by
 * its HTTP verticle instances (so every event loop profits from every fill; a short lock guards it).
 *
 * <p>Entries are dropped as soon as the event bus says the customer changed ({@code customers.changed},
 * {@code favorites.added}, {@code favorites.removed}, published cluster-wide), and in any case after
 * {@code RESPONSE_CACHE_TTL_MS}, which bounds how far product details in a cached page may lag behind the product
 * cache. Authorization runs before the cache is consulted, on every request.
 *
 * <p>A response computed while its customer was invalidated is not stored: each fill carries the invalidation epoch
 * seen when its request started ({@link #epoch()}).
 *
 * <p>Bounded three ways, least recently used out first: entries ({@code RESPONSE_CACHE_SIZE}), bytes in all
 * ({@code RESPONSE_CACHE_MAX_BYTES}) and bytes per customer ({@code RESPONSE_CACHE_MAX_BYTES_PER_CUSTOMER}: a customer
 * filling the cache with its own pages evicts its own oldest entries, not everyone else's). An entry is weighed as its
 * body, ETag and key plus a fixed overhead ({@link #weight}). Keys of pages carry the canonical form of the cursor
 * ({@link com.favoriteproducts.bus.Cursor#canonical}), so cursors that differ only in their spelling share one entry.
 *
 * <p>An entry lives between {@code (1 - Ttl.JITTER)} and the whole of the TTL, at random ({@link Ttl}): entries filled
 * together (a start, a deploy, a burst) would otherwise expire together, and the next requests would all take the cold
 * path at once. That wave came back every TTL: held at 64 connections, a window of scenario 1 fell from 17-19k to 4k
 * req/s, p99 302 ms, once a minute (2026-12-03).
 */
final class ResponseCache {

  record Entry(String customerId, Buffer body, String etag, long expiresAt, long weight) {
  }

  /** What an entry costs besides its bytes: the map node, the entry, the buffer and the strings' headers. */
  static final long ENTRY_OVERHEAD = 256;

  static final String REQUESTS = "http.response.cache.requests";

  private final int capacity;
  private final long maxBytes;
  private final long maxBytesPerCustomer;
  private final long ttlMs;
  private final long jitterMs;
  private final LinkedHashMap<String, Entry> entries;
  /** Each customer's keys, oldest stored first, and their weight. */
  private final Map<String, Keys> keysByCustomer = new HashMap<>();
  private long bytes;
  /** Epoch of the last invalidation of each recently invalidated customer (bounded: oldest forgotten first). */
  private final LinkedHashMap<String, Long> invalidatedAt;
  private long epoch;
  /** Highest epoch forgotten from {@link #invalidatedAt}: fills that started before it are not trusted. */
  private long forgottenUpTo;
  /** http.response.cache.requests{result=hit|miss}: lookups while the cache is on (docs/metrics.md). */
  private final Counter hits;
  private final Counter misses;

  private static final Map<io.vertx.core.Vertx, ResponseCache> SHARED =
    java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private static final class Keys {
    final LinkedHashSet<String> keys = new LinkedHashSet<>(4);
    long bytes;
  }

  /** The cache of this Vert.x instance (created by its first HTTP verticle instance). */
  static ResponseCache shared(io.vertx.core.Vertx vertx, int capacity, long maxBytes, long maxBytesPerCustomer,
                              long ttlMs, AppMetrics metrics) {
    return SHARED.computeIfAbsent(vertx,
      v -> new ResponseCache(capacity, maxBytes, maxBytesPerCustomer, ttlMs, Ttl.JITTER, metrics));
  }

  ResponseCache(int capacity, long maxBytes, long maxBytesPerCustomer, long ttlMs) {
    this(capacity, maxBytes, maxBytesPerCustomer, ttlMs, 0, AppMetrics.disabled());
  }

  ResponseCache(int capacity, long maxBytes, long maxBytesPerCustomer, long ttlMs, AppMetrics metrics) {
    this(capacity, maxBytes, maxBytesPerCustomer, ttlMs, 0, metrics);
  }

  /** {@code jitter}: each entry lives {@code ttlMs} less up to {@code jitter * ttlMs} (0: exactly the TTL). */
  ResponseCache(int capacity, long maxBytes, long maxBytesPerCustomer, long ttlMs, double jitter, AppMetrics metrics) {
    this.jitterMs = Ttl.jitterMs(ttlMs, jitter);
    String requests = "Lookups in the edge response cache while it is on, by result";
    this.hits = metrics.counter(REQUESTS, requests, "result", "hit");
    this.misses = metrics.counter(REQUESTS, requests, "result", "miss");
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.maxBytesPerCustomer = Math.min(maxBytes, maxBytesPerCustomer);
    this.ttlMs = ttlMs;
    this.entries = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true);
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

  synchronized boolean enabled() {
    return capacity > 0 && ttlMs > 0 && maxBytesPerCustomer > 0;
  }

  /** The bytes an entry is counted for: body, ETag and key (two bytes a char) and {@link #ENTRY_OVERHEAD}. */
  static long weight(String key, Buffer body, String etag) {
    return ENTRY_OVERHEAD + body.length() + 2L * (key.length() + (etag == null ? 0 : etag.length()));
  }

  synchronized long epoch() {
    return epoch;
  }

  synchronized Entry get(String key, long now) {
    if (!enabled()) {
      return null;
    }
    Entry e = entries.get(key);
    if (e == null) {
      misses.increment();
      return null;
    }
    if (e.expiresAt() <= now) {
      remove(key);
      misses.increment();
      return null;
    }
    hits.increment();
    return e;
  }

  /** Stores the response unless the customer was invalidated since {@code startEpoch}. */
  synchronized void put(String key, String customerId, long startEpoch, Buffer body, String etag, long now) {
    if (!enabled() || forgottenUpTo > startEpoch) {
      return;
    }
    Long last = invalidatedAt.get(customerId);
    if (last != null && last > startEpoch) {
      return;
    }
    long weight = weight(key, body, etag);
    if (weight > maxBytesPerCustomer) {
      return; // larger than a customer may hold: served, never stored
    }
    remove(key);
    Keys own = keysByCustomer.computeIfAbsent(customerId, c -> new Keys());
    // The customer's own oldest entries make room first, then everyone's least recently used.
    Iterator<String> oldest = own.keys.iterator();
    while (own.bytes + weight > maxBytesPerCustomer && oldest.hasNext()) {
      String k = oldest.next();
      oldest.remove();
      Entry dropped = entries.remove(k);
      own.bytes -= dropped.weight();
      bytes -= dropped.weight();
    }
    Iterator<Map.Entry<String, Entry>> lru = entries.entrySet().iterator();
    while ((bytes + weight > maxBytes || entries.size() >= capacity) && lru.hasNext()) {
      Map.Entry<String, Entry> eldest = lru.next();
      lru.remove();
      unindex(eldest.getKey(), eldest.getValue());
    }
    entries.put(key, new Entry(customerId, body, etag, now + Ttl.life(ttlMs, jitterMs), weight));
    own.keys.add(key);
    own.bytes += weight;
    bytes += weight;
  }

  synchronized void invalidate(String customerId) {
    if (customerId == null) {
      return;
    }
    String id = customerId.toLowerCase();
    epoch++;
    invalidatedAt.remove(id);
    invalidatedAt.put(id, epoch);
    Keys keys = keysByCustomer.remove(id);
    if (keys != null) {
      keys.keys.forEach(entries::remove);
      bytes -= keys.bytes;
    }
  }

  synchronized int size() {
    return entries.size();
  }

  /** The weight of every entry held (see {@link #weight}). */
  synchronized long bytes() {
    return bytes;
  }

  /** The number of entries of one customer. */
  synchronized int size(String customerId) {
    Keys keys = keysByCustomer.get(customerId);
    return keys == null ? 0 : keys.keys.size();
  }

  private void remove(String key) {
    Entry e = entries.remove(key);
    if (e != null) {
      unindex(key, e);
    }
  }

  /** Forgets an entry already taken out of {@link #entries}. */
  private void unindex(String key, Entry e) {
    bytes -= e.weight();
    Keys keys = keysByCustomer.get(e.customerId());
    if (keys != null && keys.keys.remove(key)) {
      keys.bytes -= e.weight();
      if (keys.keys.isEmpty()) {
        keysByCustomer.remove(e.customerId());
      }
    }
  }
}
