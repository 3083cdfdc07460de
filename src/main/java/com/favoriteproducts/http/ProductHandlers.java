package com.favoriteproducts.http;

import com.favoriteproducts.bus.Addresses;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The products operations of the contract: any valid token may read a product (through the products verticle). */
final class ProductHandlers {

  private final Bus bus;
  private final String retryAfter;

  /** {@code retryAfterSeconds}: sent with a 503, about when the product API's circuit breaker tries again. */
  ProductHandlers(Bus bus, long retryAfterSeconds) {
    this.bus = bus;
    this.retryAfter = Long.toString(Math.max(1, retryAfterSeconds));
  }

  void get(RoutingContext rc) {
    String id = Requests.path(rc, "id");
    bus.request(Addresses.PRODUCTS_GET, new JsonObject().put("id", id))
      .onSuccess(p -> Json.send(rc, 200, p))
      .onFailure(err -> {
        if (err instanceof ReplyException re && (re.failureType() == ReplyFailure.NO_HANDLERS
          || (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() == 503))) {
          rc.response().putHeader("Retry-After", retryAfter);
        }
        Bus.fail(rc, err);
      });
  }
}
