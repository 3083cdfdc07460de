package com.favoriteproducts.product;

import com.favoriteproducts.metrics.AppMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.circuitbreaker.CircuitBreakerState;

import java.util.function.Supplier;

/** The product-lookup meters (docs/metrics.md): built once per verticle instance, shared by name and tags. */
public final class ProductMetrics {

  static final String CACHE_REQUESTS = "products.cache.requests";
  static final String API_CALLS = "products.api.calls";
  static final String BREAKER_STATE = "products.breaker.state";
  static final String BREAKER_TRANSITIONS = "products.breaker.transitions";

  private static final String CACHE_DESCRIPTION = "Product ids looked up, by where the answer came from";
  private final AppMetrics metrics;

  /** products.cache.requests{result="local_hit"}: also counted by favorites lists that read the node's cache. */
  public static Counter localHits(AppMetrics metrics) {
    return metrics.counter(CACHE_REQUESTS, CACHE_DESCRIPTION, "result", "local_hit");
  }

  // products.cache.requests, one per id looked up, by where the answer came from
  final Counter localHit;
  final Counter redisHit;
  final Counter notFoundHit;
  final Counter stale;
  final Counter miss;
  final Counter joined;

  // products.api.calls, one per lookup sent to the product API client, by how it ended
  final Counter apiOk;
  final Counter apiNotFound;
  final Counter apiFailure;
  final Counter apiShortCircuited;
  /** Not sent: PRODUCTS_MAX_QUEUE lookups were waiting for a free call already. */
  final Counter apiRejected;

  private final Counter toOpen;
  private final Counter toHalfOpen;
  private final Counter toClosed;

  ProductMetrics(AppMetrics metrics) {
    this.metrics = metrics;
    localHit = localHits(metrics);
    redisHit = metrics.counter(CACHE_REQUESTS, CACHE_DESCRIPTION, "result", "redis_hit");
    notFoundHit = metrics.counter(CACHE_REQUESTS, CACHE_DESCRIPTION, "result", "not_found_hit");
    stale = metrics.counter(CACHE_REQUESTS, CACHE_DESCRIPTION, "result", "stale");
    miss = metrics.counter(CACHE_REQUESTS, CACHE_DESCRIPTION, "result", "miss");
    joined = metrics.counter(CACHE_REQUESTS, CACHE_DESCRIPTION, "result", "joined");
    String api = "Lookups sent to the product API client (through the circuit breaker), by outcome";
    apiOk = metrics.counter(API_CALLS, api, "outcome", "ok");
    apiNotFound = metrics.counter(API_CALLS, api, "outcome", "not_found");
    apiFailure = metrics.counter(API_CALLS, api, "outcome", "failure");
    apiShortCircuited = metrics.counter(API_CALLS, api, "outcome", "short_circuited");
    apiRejected = metrics.counter(API_CALLS, api, "outcome", "rejected");
    String transitions = "Circuit breaker state changes, by the state entered";
    toOpen = metrics.counter(BREAKER_TRANSITIONS, transitions, "breaker", ProductClient.BREAKER_NAME, "state", "open");
    toHalfOpen = metrics.counter(BREAKER_TRANSITIONS, transitions, "breaker", ProductClient.BREAKER_NAME,
      "state", "half_open");
    toClosed = metrics.counter(BREAKER_TRANSITIONS, transitions, "breaker", ProductClient.BREAKER_NAME, "state", "closed");
  }

  /** A breaker to show in products.breaker.state (0 closed, 1 half-open, 2 open; the worst of this node's instances). */
  AppMetrics.Registration breaker(Supplier<CircuitBreakerState> state) {
    return metrics.maxGauge(BREAKER_STATE, "Circuit breaker state: 0 closed, 1 half-open, 2 open (the worst among"
      + " this node's product verticles)", () -> code(state.get()), "breaker", ProductClient.BREAKER_NAME);
  }

  void opened() {
    toOpen.increment();
  }

  void halfOpened() {
    toHalfOpen.increment();
  }

  void closed() {
    toClosed.increment();
  }

  static double code(CircuitBreakerState state) {
    return switch (state) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }
}
