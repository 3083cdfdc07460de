package com.favoriteproducts.support;

import com.favoriteproducts.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/** The product verticle's event-bus API as tests call it (blocking; never on an event loop). */
public final class ProductBus {

  private ProductBus() {
  }

  /** The completed request (a failure is a result here, not an exception). */
  public static Future<Message<JsonObject>> request(Vertx vertx, String address, JsonObject body) {
    Future<Message<JsonObject>> f = vertx.eventBus().request(address, body, new DeliveryOptions().setSendTimeout(15_000));
    try {
      f.await(20, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // inspected by the caller
    }
    return f;
  }

  public static JsonObject get(Vertx vertx, String id) {
    Future<Message<JsonObject>> f = request(vertx, Addresses.PRODUCTS_GET, new JsonObject().put("id", id));
    if (f.failed()) {
      throw new AssertionError("products.get " + id + " failed: " + f.cause());
    }
    return f.result().body();
  }

  /** The {@code products} array of a {@code products.getMany} reply. */
  public static JsonArray getMany(Vertx vertx, JsonObject body) {
    Future<Message<JsonObject>> f = request(vertx, Addresses.PRODUCTS_GET_MANY, body);
    if (f.failed()) {
      throw new AssertionError("products.getMany failed: " + f.cause());
    }
    return f.result().body().getJsonArray("products");
  }
}
