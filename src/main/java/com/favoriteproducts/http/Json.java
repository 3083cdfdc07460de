package com.favoriteproducts.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON responses with pre-built header values. */
final class Json {

  static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private Json() {
  }

  static void send(RoutingContext rc, int status, JsonObject body) {
    MultiMap h = rc.response().headers();
    h.set(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON);
    rc.response().setStatusCode(status).end(body.toBuffer());
  }
}
