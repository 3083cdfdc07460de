package com.favoriteproducts.product;

import com.favoriteproducts.config.ProductDataConfig;
import com.favoriteproducts.config.ProductsConfig;
import com.favoriteproducts.metrics.AppMetrics;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The only code that calls the product API: {@code GET {base}/api/product/{id}/} through one circuit breaker
 * ("product-api"), with at most {@code PRODUCTS_MAX_CONCURRENCY} calls in flight (more wait in line, outside the
 * breaker, so waiting does not count against the call's timeout).
 *
 * <p>The breaker counts timeouts, connection errors, 5xx (and 429) and unreadable bodies as failures. A 404 is an
 * answer ("this product does not exist"), never a failure; other 4xx mean the API refused our request, which says
 * nothing about its health, so they are not counted either (the lookup is still unavailable). A 200 whose body is
 * JSON but not a product the service can use ({@link Product#fromApi}: a title with NUL only, a huge title, a price
 * that is not a number) is an answer too, {@link Answer#invalid}: the API is up, so it does not count against it; a
 * body that is not JSON at all (a truncated response, an error page of a proxy) is a failure.
 */
final class ProductClient {

  private static final Logger LOG = LoggerFactory.getLogger(ProductClient.class);
  static final String BREAKER_NAME = "product-api";

  /** What the API said about one id; {@code invalid}: it sent a product the service cannot use (why). */
  record Answer(JsonObject product, boolean notFound, String invalid, Throwable failure) {
    static Answer found(JsonObject product) {
      return new Answer(product, false, null, null);
    }

    static Answer missing() {
      return new Answer(null, true, null, null);
    }

    static Answer invalid(String why) {
      return new Answer(null, false, why, null);
    }

    static Answer failed(Throwable failure) {
      return new Answer(null, false, null, failure);
    }

    boolean failed() {
      return failure != null;
    }
  }

  /** The API answered with a status that is neither 200 nor 404. */
  static final class ApiStatusException extends RuntimeException {
    final int status;

    ApiStatusException(int status) {
      super("the product API answered " + status, null, false, false);
      this.status = status;
    }
  }

  private final ProductsConfig cfg;
  private final ProductDataConfig limits;
  private final WebClient web;
  private final CircuitBreaker breaker;
  private final ConcurrencyLimit limit;
  private final ProductMetrics metrics;
  private final AppMetrics.Registration stateGauge;

  ProductClient(Vertx vertx, ProductsConfig cfg, ProductDataConfig limits, ProductMetrics metrics) {
    this.cfg = cfg;
    this.limits = limits;
    this.metrics = metrics;
    this.web = WebClient.create(vertx, new WebClientOptions().setDefaultHost(cfg.host()).setDefaultPort(cfg.port())
        .setSsl(cfg.ssl()).setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(cfg.connectTimeoutMs())
        .setUserAgent("favorite-products"),
      new PoolOptions().setHttp1MaxSize(cfg.maxConcurrency()));
    this.limit = new ConcurrencyLimit(cfg.maxConcurrency(), cfg.maxQueue());
    CircuitBreakerOptions options = new CircuitBreakerOptions()
      .setMaxFailures(cfg.breakerMaxFailures())
      .setResetTimeout(cfg.breakerResetMs())
      .setTimeout(cfg.timeoutMs())
      .setMaxRetries(cfg.breakerMaxRetries())
      .setFallbackOnFailure(true)
      .setNotificationAddress(null); // no periodic metrics on the event bus: state is in products.health and the log
    this.breaker = CircuitBreaker.create(BREAKER_NAME, vertx, options)
      .retryPolicy(RetryPolicy.exponentialDelayWithJitter(50, 500))
      .openHandler(v -> {
        metrics.opened();
        LOG.warn("circuit breaker {} OPEN: the product API failed {} times; lookups fail fast for {} ms"
          + " (last-known copies are served as STALE)", BREAKER_NAME, cfg.breakerMaxFailures(), cfg.breakerResetMs());
      })
      .halfOpenHandler(v -> {
        metrics.halfOpened();
        LOG.info("circuit breaker {} HALF_OPEN: the next lookup tries the product API", BREAKER_NAME);
      })
      .closeHandler(v -> {
        metrics.closed();
        LOG.info("circuit breaker {} CLOSED: the product API answers again", BREAKER_NAME);
      });
    this.stateGauge = metrics.breaker(breaker::state);
  }

  /** Asks the API about one id. Never fails: an outage or an open breaker is an {@link Answer#failed} answer. */
  Future<Answer> fetch(String id) {
    return limit.run(() -> breaker.executeWithFallback(() -> call(id), Answer::failed))
      .recover(err -> ConcurrencyLimit.isFull(err) ? Future.succeededFuture(Answer.failed(err))
        : Future.failedFuture(err))
      .andThen(ar -> count(ar.succeeded() ? ar.result() : null));
  }

  private void count(Answer a) {
    if (a == null) {
      metrics.apiFailure.increment();
    } else if (a.product() != null) {
      metrics.apiOk.increment();
    } else if (a.notFound()) {
      metrics.apiNotFound.increment();
    } else if (isOpenCircuit(a.failure())) {
      metrics.apiShortCircuited.increment();
    } else if (ConcurrencyLimit.isFull(a.failure())) {
      metrics.apiRejected.increment();
    } else {
      metrics.apiFailure.increment();
    }
  }

  private Future<Answer> call(String id) {
    return web.get(cfg.productPath(id))
      .connectTimeout(cfg.connectTimeoutMs())
      .idleTimeout(cfg.timeoutMs())
      .send()
      .compose(res -> answer(id, res));
  }

  private Future<Answer> answer(String id, HttpResponse<Buffer> res) {
    int status = res.statusCode();
    if (status == 404) {
      return Future.succeededFuture(Answer.missing());
    }
    if (status == 200) {
      JsonObject body;
      try {
        body = res.bodyAsJsonObject();
      } catch (RuntimeException e) {
        return Future.failedFuture(new ApiStatusException(502)); // not JSON: counted by the breaker
      }
      try {
        return Future.succeededFuture(Answer.found(Product.fromApi(id, body, Product.now(), limits)));
      } catch (Product.InvalidProductException e) {
        LOG.warn("the product API sent unusable data for product {}: {}", id, e.getMessage());
        return Future.succeededFuture(Answer.invalid(e.getMessage()));
      }
    }
    ApiStatusException e = new ApiStatusException(status);
    if (status >= 500 || status == 429) {
      return Future.failedFuture(e); // counted by the breaker
    }
    LOG.warn("the product API refused the lookup of {} with {}", id, status);
    return Future.succeededFuture(Answer.failed(e)); // the API is up: not a breaker failure
  }

  CircuitBreakerState state() {
    return breaker.state();
  }

  static boolean isOpenCircuit(Throwable t) {
    return t instanceof OpenCircuitException;
  }

  void close() {
    stateGauge.remove();
    breaker.close();
    web.close();
  }
}
