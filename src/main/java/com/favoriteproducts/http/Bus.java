package com.favoriteproducts.http;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.bus.LoopAffinity;
import com.favoriteproducts.logging.LogContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP edge's side of the event bus: requests with a timeout, and failures turned into problems. */
public final class Bus {

  private static final Logger LOG = LoggerFactory.getLogger(Bus.class);

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final DeliveryOptions bytesOptions;
  /** The same, for a same-loop address ({@link LoopAffinity}): node-local, no lookup of the cluster's consumers. */
  private final DeliveryOptions localOptions;
  private final DeliveryOptions localBytesOptions;
  /** Same-loop delivery's registry; null when BUS_AFFINITY is off. */
  private final LoopAffinity affinity;

  public Bus(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
    this.bytesOptions = new DeliveryOptions().setSendTimeout(timeoutMs)
      .addHeader(Addresses.REPLY_AS, Addresses.REPLY_AS_JSON_BYTES);
    this.localOptions = new DeliveryOptions(options).setLocalOnly(true);
    this.localBytesOptions = new DeliveryOptions(bytesOptions).setLocalOnly(true);
    this.affinity = LoopAffinity.of(vertx);
  }

  /** How long a request waits for its reply (EVENTBUS_TIMEOUT_MS). */
  public long timeoutMs() {
    return options.getSendTimeout();
  }

  public Future<JsonObject> request(String address, JsonObject body) {
    return send(address, body, options, localOptions).map(m -> (JsonObject) m.body());
  }

  /**
   * A request whose reply is JSON text in a Buffer ({@link Addresses#REPLY_AS} {@code json-bytes}), forwarded as it
   * is: a JsonObject reply (a verticle that does not know the header) is encoded here.
   */
  public Future<Buffer> requestJsonBytes(String address, JsonObject body) {
    return send(address, body, bytesOptions, localBytesOptions).map(m -> m.body() instanceof Buffer b ? b
      : ((JsonObject) m.body()).toBuffer());
  }

  /**
   * To the consumer of {@code address} on this event loop when there is one ({@link LoopAffinity}), else (or when it
   * has gone: NO_HANDLERS, and the route is forgotten) to the shared address.
   */
  private Future<Message<Object>> send(String address, JsonObject body, DeliveryOptions shared,
                                       DeliveryOptions local) {
    String near = affinity == null ? null : affinity.route(address);
    if (near == null) {
      return vertx.eventBus().request(address, body, LogContext.withRequestId(shared));
    }
    return vertx.eventBus().request(near, body, LogContext.withRequestId(local)).recover(err -> {
      if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
        affinity.remove(address, near);
        return vertx.eventBus().request(address, body, LogContext.withRequestId(shared));
      }
      return Future.failedFuture(err);
    });
  }

  public Future<JsonObject> request(String address, JsonObject body, DeliveryOptions opts) {
    return vertx.eventBus().<JsonObject>request(address, body, LogContext.withRequestId(opts)).map(m -> m.body());
  }

  /** Answers a failed event-bus request with the matching problem. */
  public static void fail(RoutingContext rc, Throwable err) {
    if (err instanceof ReplyException re) {
      switch (re.failureType()) {
        case NO_HANDLERS -> {
          LOG.warn("no handler for a request of {} {}", rc.request().method(), rc.request().path());
          Problems.send(rc, 503, "the service that handles this request is not running; try again later");
        }
        case TIMEOUT -> {
          // A node that died with the request, or one too busy to answer in EVENTBUS_TIMEOUT_MS: retry soon
          // (Problems.send gives every 503 its Retry-After).
          Problems.send(rc, 503, "the request timed out inside the service (a node may have gone away); try again");
        }
        default -> recipientFailure(rc, re);
      }
      return;
    }
    rc.fail(err);
  }

  /**
   * The bus names body fields by JSON pointer ({@code /email}); a problem names them as the contract's validation does
   * ({@code email}, {@code ids.3}, {@code body} for the whole body).
   */
  private static JsonArray httpFields(BusFailure failure) {
    JsonArray out = new JsonArray();
    failure.errors().forEach(e -> {
      String field = e.field() == null ? "" : ValidationErrors.fieldName(e.field());
      out.add(new JsonObject().put("field", field.isEmpty() ? "body" : field).put("message", e.message()));
    });
    return out;
  }

  /** A verticle's answer: a {@link BusFailure}, with its fields for a 400 (any other failure by its code alone). */
  private static void recipientFailure(RoutingContext rc, ReplyException re) {
    int code = re.failureCode();
    String msg = re.getMessage();
    if (code == BusFailure.BAD_REQUEST && re instanceof BusFailure failure && !failure.errors().isEmpty()) {
      Problems.send(rc, code, failure.detail(), httpFields(failure));
      return;
    }
    if (code >= 400 && code < 600) {
      Problems.send(rc, code, code >= 500 ? "a dependency of the service is unavailable; try again later" : msg);
    } else {
      LOG.error("unexpected failure code {} from the event bus: {}", code, msg);
      Problems.send(rc, 500, "unexpected error");
    }
  }
}
