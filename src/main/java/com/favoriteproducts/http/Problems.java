package com.favoriteproducts.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The one error shape: RFC 9457 problem details sent as {@code application/problem+json}, with
 * {@code errors: [{field, message}]} for validation failures. Never carries stack traces or internal messages.
 */
public final class Problems {

  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String TYPE_BASE = "/problems/";
  /** The {@code Retry-After} of a 503 whose handler set none: a dependency that is down is retried soon. */
  private static final String RETRY_AFTER_SECONDS = "1";

  private Problems() {
  }

  public static void send(RoutingContext rc, int status, String detail) {
    send(rc, status, detail, null);
  }

  public static void send(RoutingContext rc, int status, String detail, JsonArray errors) {
    send(rc.response(), rc.request().path(), status, detail, errors);
  }

  /**
   * A request the HTTP codec could not parse (bad header syntax, a header or request line over the limits): the
   * status the codec's failure calls for, as a problem, and the connection closed (the rest of the stream cannot be
   * trusted). Installed with {@code HttpServer.invalidRequestHandler}; without it the client gets an empty 400.
   */
  public static void invalidRequest(HttpServerRequest req) {
    Throwable cause = req.decoderResult() == null ? null : req.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414
      : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String detail = switch (status) {
      case 414 -> "the request line is longer than the limit";
      case 431 -> "the request headers are larger than the limit";
      default -> "the request is not valid HTTP (a header, the request line or the framing cannot be parsed)";
    };
    req.response().putHeader("Connection", "close");
    send(req.response(), null, status, detail, null);
    req.connection().close();
  }

  private static void send(HttpServerResponse res, String instance, int status, String detail, JsonArray errors) {
    if (res.ended() || res.headWritten()) {
      return;
    }
    JsonObject body = new JsonObject()
      .put("type", type(status))
      .put("title", HttpResponseStatus.valueOf(status).reasonPhrase())
      .put("status", status);
    if (detail != null) {
      body.put("detail", detail);
    }
    if (instance != null) {
      body.put("instance", instance);
    }
    if (errors != null && !errors.isEmpty()) {
      body.put("errors", errors);
    }
    if (status == 401) {
      res.putHeader("WWW-Authenticate", "Bearer");
    }
    if (status == 503 && !res.headers().contains("Retry-After")) {
      res.putHeader("Retry-After", RETRY_AFTER_SECONDS); // every 503 says when to try again (a handler may know better)
    }
    res.setStatusCode(status).putHeader("Content-Type", MEDIA_TYPE).end(body.toBuffer());
  }

  /** A stable problem type per status, relative to the service (documented in the README). */
  static String type(int status) {
    return switch (status) {
      case 400 -> TYPE_BASE + "validation-error";
      case 401 -> TYPE_BASE + "unauthorized";
      case 403 -> TYPE_BASE + "forbidden";
      case 404 -> TYPE_BASE + "not-found";
      case 405 -> TYPE_BASE + "method-not-allowed";
      case 409 -> TYPE_BASE + "conflict";
      case 412 -> TYPE_BASE + "precondition-failed";
      case 413 -> TYPE_BASE + "payload-too-large";
      case 414 -> TYPE_BASE + "uri-too-long";
      case 415 -> TYPE_BASE + "unsupported-media-type";
      case 422 -> TYPE_BASE + "unprocessable";
      case 429 -> TYPE_BASE + "rate-limited";
      case 431 -> TYPE_BASE + "header-fields-too-large";
      case 503 -> TYPE_BASE + "unavailable";
      case 504 -> TYPE_BASE + "timeout";
      default -> "about:blank";
    };
  }

  public static JsonArray fieldError(String field, String message) {
    return new JsonArray().add(new JsonObject().put("field", field).put("message", message));
  }
}
