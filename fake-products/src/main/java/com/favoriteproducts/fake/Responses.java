package com.favoriteproducts.fake;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Pre-built headers and bodies, so the hot path only writes bytes that already exist. */
final class Responses {

  static final CharSequence CONTENT_TYPE = HttpHeaders.CONTENT_TYPE;
  static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  static final CharSequence ALLOW = HttpHeaders.createOptimized("Allow");
  static final CharSequence GET = HttpHeaders.createOptimized("GET");

  static final Buffer NOT_FOUND = error("not found");
  static final Buffer PRODUCT_NOT_FOUND = error("product not found");
  static final Buffer PAGE_NOT_FOUND = error("page not found");
  static final Buffer BAD_PAGE = error("page must be an integer >= 1");
  static final Buffer UNAVAILABLE = error("service unavailable");
  static final Buffer METHOD_NOT_ALLOWED = error("method not allowed");

  private Responses() { }

  private static Buffer error(String message) {
    return new JsonObject().put("error", message).toBuffer();
  }

  static void send(HttpServerResponse response, int status, Buffer body) {
    response.setStatusCode(status).putHeader(CONTENT_TYPE, APPLICATION_JSON).end(body);
  }

  static void json(HttpServerResponse response, int status, JsonObject body) {
    send(response, status, body.toBuffer());
  }

  static void methodNotAllowed(HttpServerResponse response, CharSequence allowed) {
    response.putHeader(ALLOW, allowed);
    send(response, 405, METHOD_NOT_ALLOWED);
  }
}
