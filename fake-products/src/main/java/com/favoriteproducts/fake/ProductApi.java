package com.favoriteproducts.fake;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.Locale;

/**
 * The hot path: {@code GET /api/product/?page=N} and {@code GET /api/product/{id}/} (trailing slash optional),
 * parsed by hand and answered with pre-encoded buffers. Faults apply in this order: down answers 503 at once;
 * otherwise the added latency is waited (a timer, never a sleep), then a drawn failure answers 503, or the call
 * is answered normally. Every call is counted first, faulted ones included.
 */
final class ProductApi {

  static final String PREFIX = "/api/product";

  private final Vertx vertx;
  private final Catalog catalog;
  private final Faults faults;
  private final Stats stats;

  ProductApi(Vertx vertx, Catalog catalog, Faults faults, Stats stats) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.faults = faults;
    this.stats = stats;
  }

  /** Handles a request whose path starts with {@link #PREFIX}. */
  void handle(HttpServerRequest request, String path) {
    int len = path.length();
    int base = PREFIX.length();
    if (len == base || (len == base + 1 && path.charAt(base) == '/')) {
      if (isGet(request)) {
        stats.listCall();
        list(request);
      }
      return;
    }
    if (path.charAt(base) != '/') {           // e.g. /api/products
      Responses.send(request.response(), 404, Responses.NOT_FOUND);
      return;
    }
    int end = path.charAt(len - 1) == '/' ? len - 1 : len;
    String id = path.substring(base + 1, end);
    if (id.isEmpty() || id.indexOf('/') >= 0) {
      Responses.send(request.response(), 404, Responses.NOT_FOUND);
      return;
    }
    if (isGet(request)) {
      id = id.toLowerCase(Locale.ROOT);
      stats.productCall(id);
      byId(request, id);
    }
  }

  private static boolean isGet(HttpServerRequest request) {
    HttpMethod method = request.method();
    if (method == HttpMethod.GET) {
      return true;
    }
    Responses.methodNotAllowed(request.response(), Responses.GET);
    return false;
  }

  private void byId(HttpServerRequest request, String id) {
    FaultSettings f = faults.current();
    if (f.down()) {
      Responses.send(request.response(), 503, Responses.UNAVAILABLE);
      return;
    }
    Buffer json = catalog.productJson(id);
    if (json == null) {
      answer(request.response(), f, 404, Responses.PRODUCT_NOT_FOUND);
    } else {
      answer(request.response(), f, 200, json);
    }
  }

  private void list(HttpServerRequest request) {
    FaultSettings f = faults.current();
    if (f.down()) {
      Responses.send(request.response(), 503, Responses.UNAVAILABLE);
      return;
    }
    int page = pageParam(request.query());
    if (page < 1) {
      answer(request.response(), f, 400, Responses.BAD_PAGE);
      return;
    }
    Buffer json = catalog.page(page);
    if (json == null) {
      answer(request.response(), f, 404, Responses.PAGE_NOT_FOUND);
    } else {
      answer(request.response(), f, 200, json);
    }
  }

  private void answer(HttpServerResponse response, FaultSettings f, int status, Buffer body) {
    if (f.latencyMs() <= 0) {
      respond(response, f, status, body);
    } else {
      vertx.setTimer(f.latencyMs(), t -> respond(response, f, status, body));
    }
  }

  private static void respond(HttpServerResponse response, FaultSettings f, int status, Buffer body) {
    if (response.closed()) {
      return;
    }
    if (Faults.shouldFail(f)) {
      Responses.send(response, 503, Responses.UNAVAILABLE);
    } else {
      Responses.send(response, status, body);
    }
  }

  /**
   * The {@code page} query parameter (its first occurrence): 1 when absent; -1 when present but not an integer
   * >= 1 (empty, zero, negative, not a number); values beyond int range are clamped (a page past the end).
   */
  static int pageParam(String query) {
    if (query == null || query.isEmpty()) {
      return 1;
    }
    int start = 0;
    int qlen = query.length();
    while (start < qlen) {
      int amp = query.indexOf('&', start);
      int stop = amp < 0 ? qlen : amp;
      if (query.startsWith("page", start) && (stop == start + 4 || query.charAt(start + 4) == '=')) {
        return parsePositive(query, Math.min(start + 5, stop), stop);
      }
      start = stop + 1;
    }
    return 1;
  }

  private static int parsePositive(String s, int from, int to) {
    if (from >= to) {
      return -1;
    }
    long n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = Math.min(n * 10 + (c - '0'), Integer.MAX_VALUE);
    }
    return n >= 1 ? (int) n : -1;
  }
}
