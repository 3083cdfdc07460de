package com.favoriteproducts.product;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.Availability;
import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.bus.BusHandlers;
import com.favoriteproducts.bus.FieldError;
import com.favoriteproducts.bus.Fields;
import com.favoriteproducts.bus.Paging;
import com.favoriteproducts.config.ProductDataConfig;
import com.favoriteproducts.config.ProductsConfig;
import com.favoriteproducts.config.RedisConfig;
import com.favoriteproducts.config.ShutdownConfig;
import com.favoriteproducts.metrics.AppMetrics;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Product lookups behind the {@code products.*} event-bus addresses: the only part of the service that talks to the
 * product API. See {@link ProductLookups} for the order of sources and {@code docs/event-bus.md} for the API.
 */
public class ProductVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProductVerticle.class);

  private ProductClient client;
  private ProductCache cache;
  private ProductLookups lookups;
  private BusHandlers handlers;

  @Override
  public Future<?> start() {
    ProductsConfig cfg;
    ProductDataConfig limits;
    try {
      cfg = ProductsConfig.from(config());
      limits = ProductDataConfig.from(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    ProductMetrics metrics = new ProductMetrics(AppMetrics.from(config()));
    client = new ProductClient(vertx, cfg, limits, metrics);
    cache = new ProductCache(vertx, RedisConfig.from(config()), cfg.cacheTimeoutMs());
    lookups = new ProductLookups(vertx, cfg, client, cache,
      LocalCache.shared(vertx, cfg), metrics);
    handlers = new BusHandlers(vertx, LOG,
      err -> new BusFailure(BusFailure.UNAVAILABLE, "product lookups are unavailable"))
      .on(Addresses.PRODUCTS_GET, this::get)
      .on(Addresses.PRODUCTS_GET_MANY, this::getMany)
      .on(Addresses.PRODUCTS_HEALTH, m -> health());
    cache.ping(); // connect now rather than on the first lookup; Redis being down does not stop the start
    LOG.debug("product verticle up: API {}, breaker max failures {}, reset {} ms", cfg.baseUrl(),
      cfg.breakerMaxFailures(), cfg.breakerResetMs());
    return handlers.ready();
  }

  @Override
  public Future<?> stop() {
    return handlers.drain(ShutdownConfig.from(config()).drainMs()).eventually(() -> {
      if (client != null) {
        client.close();
      }
      return cache == null ? Future.succeededFuture() : cache.close();
    });
  }

  private Future<JsonObject> get(Message<JsonObject> msg) {
    String id = Product.normalizeId(Fields.body(msg).getValue("id"));
    if (id == null) {
      throw BusFailure.invalid("invalid product id", "id", "must be a UUID");
    }
    return lookups.lookup(List.of(id), false).compose(answers -> {
      JsonObject a = answers.get(id);
      return switch (Availability.of(a)) {
        case NOT_FOUND -> BusFailure.fail(BusFailure.NOT_FOUND, "product " + id + " not found");
        case UNAVAILABLE -> BusFailure.fail(BusFailure.UNAVAILABLE, "product " + id + " is unavailable: the product API"
          + " is failing and nothing is known about it; try again later");
        case INVALID -> BusFailure.fail(BusFailure.UNAVAILABLE, "product " + id + " is unavailable: the product API"
          + " sent data the service cannot use");
        default -> Future.succeededFuture(a);
      };
    });
  }

  private Future<JsonObject> getMany(Message<JsonObject> msg) {
    JsonObject body = Fields.body(msg);
    Object rawIds = body.getValue("ids");
    Object cacheOnly = body.getValue("cacheOnly");
    List<FieldError> errors = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    if (!(rawIds instanceof JsonArray array)) {
      errors.add(new FieldError("/ids", "is required: an array of product ids"));
    } else if (array.size() > Paging.MAX_PRODUCT_IDS) {
      errors.add(new FieldError("/ids", "must have at most " + Paging.MAX_PRODUCT_IDS + " ids"));
    } else {
      for (int i = 0; i < array.size(); i++) {
        String id = Product.normalizeId(array.getValue(i));
        if (id == null) {
          errors.add(new FieldError("/ids/" + i, "must be a UUID"));
        }
        ids.add(id);
      }
    }
    if (cacheOnly != null && !(cacheOnly instanceof Boolean)) {
      errors.add(new FieldError("/cacheOnly", "must be a boolean"));
    }
    if (!errors.isEmpty()) {
      throw new BusFailure(BusFailure.BAD_REQUEST, "invalid product lookup", errors);
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
}
