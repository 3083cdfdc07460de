package com.favoriteproducts.product;

import com.favoriteproducts.bus.Availability;
import com.favoriteproducts.config.ProductsConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers "what is product X?" for a batch of ids, cheapest source first: the in-process cache, a lookup of the same id
 * already in progress (single flight), Redis (one MGET for the batch), then the product API (bounded concurrency,
 * circuit breaker). When the API fails, a last-known copy is answered STALE; with none, UNAVAILABLE.
 *
 * <p>Every answer is a reply entry: a product with {@code availability} AVAILABLE or STALE, or
 * {@code {"id", "availability": "NOT_FOUND" | "UNAVAILABLE"}}. Lookups never fail. Event-loop confined.
 */
final class ProductLookups {

  private static final Logger LOG = LoggerFactory.getLogger(ProductLookups.class);

  /** One id being looked up; concurrent lookups of the id share it. */
  private static final class Flight {
    final Promise<JsonObject> answer = Promise.promise();
    /** The last-known (no longer fresh) copy, once Redis has been read. */
    JsonObject stale;
  }

  private final Vertx vertx;
  private final ProductsConfig cfg;
  private final ProductClient client;
  private final ProductCache cache;
  private final LocalCache local;
  private final ProductMetrics metrics;
  private final Map<String, Flight> inflight = new HashMap<>();
  private final long cacheTtlMs;
  private final long notFoundTtlMs;

  ProductLookups(Vertx vertx, ProductsConfig cfg, ProductClient client, ProductCache cache, LocalCache local,
                 ProductMetrics metrics) {
    this.metrics = metrics;
    this.vertx = vertx;
    this.cfg = cfg;
    this.client = client;
    this.cache = cache;
    this.local = local;
    this.cacheTtlMs = cfg.cacheTtlSeconds() * 1000;
    this.notFoundTtlMs = cfg.notFoundTtlSeconds() * 1000;
  }

  /**
   * The answers for distinct, normalized ids, by id. With {@code cacheOnly} the API is not asked: a last-known copy
   * is STALE and an unknown id UNAVAILABLE. Completes within PRODUCTS_REPLY_TIMEOUT_MS: entries still waiting for
   * the API then are answered as if it had failed, and their fetches go on to fill the cache.
   */
  Future<Map<String, JsonObject>> lookup(List<String> ids, boolean cacheOnly) {
    Map<String, JsonObject> done = new HashMap<>();
    Map<String, Flight> pending = new LinkedHashMap<>();
    List<String> toRead = new ArrayList<>();
    List<Flight> reads = new ArrayList<>();
    for (String id : ids) {
      JsonObject hit = local.get(id);
      if (hit != null) {
        metrics.localHit.increment();
        done.put(id, hit);
        continue;
      }
      Flight f = cacheOnly ? null : inflight.get(id);
      if (f == null) {
        f = new Flight();
        if (!cacheOnly) {
          Flight mine = f;
          inflight.put(id, mine);
          mine.answer.future().onComplete(ar -> inflight.remove(id, mine));
        }
        toRead.add(id);
        reads.add(f);
      } else {
        metrics.joined.increment();
      }
      pending.put(id, f);
    }
    if (!toRead.isEmpty()) {
      read(toRead, reads, cacheOnly);
    }
    if (pending.isEmpty()) {
      return Future.succeededFuture(done);
    }
    Promise<Map<String, JsonObject>> result = Promise.promise();
    long timer = vertx.setTimer(cfg.replyTimeoutMs(), t -> {
      if (result.tryComplete(collect(done, pending))) {
        LOG.warn("product lookup of {} ids answered after {} ms with some entries still waiting for the product API",
          ids.size(), cfg.replyTimeoutMs());
      }
    });
    Future.join(pending.values().stream().map(f -> f.answer.future()).toList()).onComplete(ar -> {
      vertx.cancelTimer(timer);
      result.tryComplete(collect(done, pending));
    });
    return result.future();
  }

  private Map<String, JsonObject> collect(Map<String, JsonObject> done, Map<String, Flight> pending) {
    Map<String, JsonObject> out = new HashMap<>(done);
    pending.forEach((id, f) -> {
      Future<JsonObject> a = f.answer.future();
      out.put(id, a.succeeded() ? a.result() : failedOver(id, f));
    });
    return out;
  }

  /** Reads the ids from Redis in one MGET (a Redis failure is a miss for all), then asks the API about the rest. */
  private void read(List<String> ids, List<Flight> flights, boolean cacheOnly) {
    cache.getAll(ids).otherwise(err -> {
      LOG.debug("cache read failed: {}", err.getMessage());
      return Arrays.asList(new JsonObject[ids.size()]);
    }).onSuccess(stored -> {
      long now = System.currentTimeMillis();
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        Flight f = flights.get(i);
        try {
          resolve(id, f, stored.get(i), now, cacheOnly);
        } catch (RuntimeException e) {
          LOG.error("product lookup of {} failed", id, e);
          f.answer.tryComplete(failedOver(id, f));
        }
      }
    });
  }

  private void resolve(String id, Flight f, JsonObject stored, long now, boolean cacheOnly) {
    if (stored != null) {
      long at = Product.fetchedAtMillis(stored);
      if (Product.isNotFoundMarker(stored)) {
        metrics.notFoundHit.increment();
        f.answer.complete(remember(id, Product.bare(id, Availability.NOT_FOUND), at + notFoundTtlMs));
        return;
      }
      if (now - at < cacheTtlMs) {
        metrics.redisHit.increment();
        f.answer.complete(remember(id, Product.withAvailability(stored, Availability.AVAILABLE), at + cacheTtlMs));
        return;
      }
      f.stale = stored;
      metrics.stale.increment();
    } else {
      metrics.miss.increment();
    }
    if (cacheOnly) {
      f.answer.complete(failedOver(id, f));
    } else {
      fetch(id, f);
    }
  }

  private void fetch(String id, Flight f) {
    client.fetch(id).otherwise(ProductClient.Answer::failed).onSuccess(a -> {
      if (a.product() != null) {
        cache.put(id, a.product(), cfg.staleTtlSeconds());
        f.answer.complete(remember(id, Product.withAvailability(a.product(), Availability.AVAILABLE),
          System.currentTimeMillis() + cacheTtlMs));
      } else if (a.notFound()) {
        Instant now = Product.now();
        cache.put(id, Product.notFoundMarker(id, now), cfg.notFoundTtlSeconds());
        f.answer.complete(remember(id, Product.bare(id, Availability.NOT_FOUND), now.toEpochMilli() + notFoundTtlMs));
      } else if (a.invalid() != null) {
        // Not cached: the next lookup asks the API again (its data may be fixed by then). A last-known copy still
        // describes the product.
        f.answer.complete(f.stale != null ? failedOver(id, f) : Product.bare(id, Availability.INVALID));
      } else {
        if (!ProductClient.isOpenCircuit(a.failure())) {
          LOG.debug("product API lookup of {} failed: {}", id, a.failure().toString());
        }
        f.answer.complete(failedOver(id, f));
      }
    });
  }

  /** The answer when the API could not be asked or failed: the last-known copy, or nothing. */
  private static JsonObject failedOver(String id, Flight f) {
    return f.stale != null ? Product.withAvailability(f.stale, Availability.STALE)
      : Product.bare(id, Availability.UNAVAILABLE);
  }

  private JsonObject remember(String id, JsonObject answer, long validUntilMillis) {
    local.put(id, answer, validUntilMillis);
    return answer;
  }
}
