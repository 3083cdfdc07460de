package com.favoriteproducts.fake;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of product API calls served, faulted and not-found ones included: {@code productCalls} for
 * {@code GET /api/product/{id}/} (with {@code byId} per id as requested, lower-cased), {@code listCalls} for
 * {@code GET /api/product/?page=N}.
 */
final class Stats {

  private final LongAdder productCalls = new LongAdder();
  private final LongAdder listCalls = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> byId = new ConcurrentHashMap<>();

  void productCall(String id) {
    productCalls.increment();
    LongAdder counter = byId.get(id);
    if (counter == null) {
      counter = byId.computeIfAbsent(id, k -> new LongAdder());
    }
    counter.increment();
  }

  void listCall() {
    listCalls.increment();
  }

  void reset() {
    productCalls.reset();
    listCalls.reset();
    byId.clear();
  }

  JsonObject toJson() {
    JsonObject ids = new JsonObject();
    for (Map.Entry<String, LongAdder> e : byId.entrySet()) {
      ids.put(e.getKey(), e.getValue().sum());
    }
    return new JsonObject()
        .put("productCalls", productCalls.sum())
        .put("listCalls", listCalls.sum())
        .put("byId", ids);
  }
}
