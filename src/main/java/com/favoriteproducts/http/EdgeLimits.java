package com.favoriteproducts.http;

import io.vertx.core.Vertx;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the HTTP verticle instances of one Vert.x count together: open connections (HTTP_MAX_CONNECTIONS) and adds
 * waiting for their job (FAVORITES_WAIT_MAX_CONCURRENT). Thread-safe: each instance runs on its own event loop.
 */
final class EdgeLimits {

  private static final Map<Vertx, EdgeLimits> SHARED = Collections.synchronizedMap(new WeakHashMap<>());

  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger waits = new AtomicInteger();

  static EdgeLimits of(Vertx vertx) {
    return SHARED.computeIfAbsent(vertx, v -> new EdgeLimits());
  }

  /** Takes one of {@code max} slots of {@code counter}; false (nothing taken) when all are taken. */
  static boolean tryAcquire(AtomicInteger counter, int max) {
    while (true) {
      int n = counter.get();
      if (n >= max) {
        return false;
      }
      if (counter.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }
}
