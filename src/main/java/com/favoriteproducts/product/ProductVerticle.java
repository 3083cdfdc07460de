package com.favoriteproducts.product;

import com.favoriteproducts.Addresses;
import com.favoriteproducts.BusHandlers;
import com.favoriteproducts.DomainException;
import com.favoriteproducts.Failures;
import com.favoriteproducts.config.ProductsConfig;
import com.favoriteproducts.config.RedisConfig;
import com.favoriteproducts.metrics.AppMetrics;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Function;

/**
 * Product lookups behind the {@code products.*} event-bus addresses: the only part of the service that talks to the
 * product API. See {@link ProductLookups} for the order of sources and {@code docs/event-bus.md} for the API.
 */
public class ProductVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProductVerticle.class);
  public static final int MAX_IDS = 1000;

  private ProductClient client;
  private ProductCache cache;
  private ProductLookups lookups;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  @Override
  public Future<?> start() {
    ProductsConfig cfg;
    try {
      cfg = ProductsConfig.from(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    ProductMetrics metrics = new ProductMetrics(AppMetrics.from(config()));
    client = new ProductClient(vertx, cfg, metrics);
    cache = new ProductCache(vertx, RedisConfig.from(config()), cfg.cacheTimeoutMs());
    lookups = new ProductLookups(vertx, cfg, client, cache,
      new LocalCache(cfg.localCacheSize(), cfg.localTtlMs(), System::currentTimeMillis), metrics);
    EventBus bus = vertx.eventBus();
    register(bus, Addresses.PRODUCTS_GET, this::get);
    register(bus, Addresses.PRODUCTS_GET_MANY, this::getMany);
    register(bus, Addresses.PRODUCTS_HEALTH, m -> health());
    cache.ping(); // connect now rather than on the first lookup; Redis being down does not stop the start
    LOG.debug("product verticle up: API {}, breaker max failures {}, reset {} ms", cfg.baseUrl(),
      cfg.breakerMaxFailures(), cfg.breakerResetMs());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return BusHandlers.drain(vertx, consumers, config()).eventually(() -> {
      if (client != null) {
        client.close();
      }
      return cache == null ? Future.succeededFuture() : cache.close();
    });
  }

  private void register(EventBus bus, String address, Function<Message<JsonObject>, Future<JsonObject>> handler) {
    BusHandlers.register(bus, consumers, address, LOG, handler,
      err -> new DomainException(Failures.UNAVAILABLE, "product lookups are unavailable"));
  }

  private Future<JsonObject> get(Message<JsonObject> msg) {
    String id = Product.normalizeId(body(msg).getValue("id"));
    if (id == null) {
      Failures.invalid(msg, "invalid product id", "id", "must be a UUID");
      return Future.succeededFuture();
    }
    return lookups.lookup(List.of(id), false).map(answers -> {
      JsonObject a = answers.get(id);
      // 404 and 503 are expected answers, not errors: fail here rather than log each one through BusHandlers.
      switch (a.getString("availability")) {
        case Product.NOT_FOUND -> msg.fail(Failures.NOT_FOUND, "product " + id + " not found");
        case Product.UNAVAILABLE -> msg.fail(Failures.UNAVAILABLE, "product " + id + " is unavailable: the product API is"
          + " failing and nothing is known about it; try again later");
        default -> {
          return a;
        }
      }
      return null;
    });
  }

  private Future<JsonObject> getMany(Message<JsonObject> msg) {
    JsonObject body = body(msg);
    Object rawIds = body.getValue("ids");
    Object cacheOnly = body.getValue("cacheOnly");
    JsonArray errors = new JsonArray();
    List<String> ids = new ArrayList<>();
    if (!(rawIds instanceof JsonArray array)) {
      errors.add(error("/ids", "is required: an array of product ids"));
    } else if (array.size() > MAX_IDS) {
      errors.add(error("/ids", "must have at most " + MAX_IDS + " ids"));
    } else {
      for (int i = 0; i < array.size(); i++) {
        String id = Product.normalizeId(array.getValue(i));
        if (id == null) {
          errors.add(error("/ids/" + i, "must be a UUID"));
        }
        ids.add(id);
      }
    }
    if (cacheOnly != null && !(cacheOnly instanceof Boolean)) {
      errors.add(error("/cacheOnly", "must be a boolean"));
    }
    if (!errors.isEmpty()) {
      Failures.invalid(msg, "invalid product lookup", errors);
      return Future.succeededFuture();
    }
    if (ids.isEmpty()) {
      return Future.succeededFuture(new JsonObject().put("products", new JsonArray()));
    }
    return lookups.lookup(List.copyOf(new LinkedHashSet<>(ids)), Boolean.TRUE.equals(cacheOnly)).map(answers -> {
      JsonArray out = new JsonArray(new ArrayList<>(ids.size()));
      for (String id : ids) {
        out.add(answers.get(id));
      }
      return new JsonObject().put("products", out);
    });
  }

  private Future<JsonObject> health() {
    return cache.ping().map(up -> {
      CircuitBreakerState breaker = client.state();
      boolean healthy = up && breaker == CircuitBreakerState.CLOSED;
      return new JsonObject().put("status", healthy ? "UP" : "DEGRADED").put("breaker", breaker.name())
        .put("cache", up ? "UP" : "DOWN");
    });
  }

  private static JsonObject error(String field, String message) {
    return new JsonObject().put("field", field).put("message", message);
  }

  private static JsonObject body(Message<JsonObject> msg) {
    return msg.body() == null ? new JsonObject() : msg.body();
  }
}
