package com.favoriteproducts.http;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/** Sends a rendered JSON read response with its ETag, or 304 when the client's If-None-Match matches. */
final class CachedResponses {

  private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");
  private static final CharSequence PRIVATE_NO_CACHE = HttpHeaders.createOptimized("private, no-cache");

  private CachedResponses() {
  }

  static void send(RoutingContext rc, ResponseCache.Entry entry) {
    send(rc, entry.etag(), entry.body());
  }

  static void send(RoutingContext rc, String etag, Buffer body) {
    MultiMap h = rc.response().headers();
    h.set(HttpHeaders.ETAG, etag);
    h.set(CACHE_CONTROL, PRIVATE_NO_CACHE);
    if (Headers.noneMatchHits(rc.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
      rc.response().setStatusCode(304).end();
      return;
    }
    h.set(HttpHeaders.CONTENT_TYPE, Json.APPLICATION_JSON);
    // A Buffer sent twice must not be consumed: send a slice of the shared one.
    rc.response().setStatusCode(200).end(body.slice());
  }
}
