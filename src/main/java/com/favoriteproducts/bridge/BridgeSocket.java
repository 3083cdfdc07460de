package com.favoriteproducts.bridge;

import com.favoriteproducts.auth.Principal;
import com.favoriteproducts.bridge.Refusal.Code;
import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.BusFailure;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One client socket of the bridge: its framing, limits and registrations. Confined to the event loop of the bridge
 * verticle instance that accepted it (no locks).
 *
 * <p>Framing: a 4-byte big-endian length, then that many bytes of UTF-8 JSON (the stock bridge's wire format; every
 * frame is written with the module's {@link FrameHelper}). The length is checked before the frame is read: more than
 * BRIDGE_MAX_FRAME_BYTES gets {@code frame_too_large} and the socket is closed, so a client never makes the bridge
 * buffer more than that.
 */
final class BridgeSocket {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeSocket.class);
  private static final String BEARER = "Bearer ";

  /** A registration, bound to the token that made it: dropped when that token expires or is revoked. */
  record Registration(MessageConsumer<Object> consumer, String jti, long exp) {
  }

  private final BridgeVerticle.Shared shared;
  final NetSocket socket;
  final Map<String, Registration> registrations = new HashMap<>();
  private final RecordParser parser = RecordParser.newFixed(4);
  private boolean expectLength = true;
  int inFlight;
  private int violations;
  long lastFrameNanos = System.nanoTime();
  private double tokens;
  private long refilledNanos = System.nanoTime();
  boolean closed;

  BridgeSocket(BridgeVerticle.Shared shared, NetSocket socket) {
    this.shared = shared;
    this.socket = socket;
    this.tokens = shared.config().maxFramesPerSecond();
    socket.setWriteQueueMaxSize(shared.config().writeQueueMaxBytes());
    parser.handler(this::record);
    socket.handler(parser);
  }

  // ---- framing -------------------------------------------------------------------------------------------------

  private void record(Buffer buf) {
    if (closed) {
      return;
    }
    if (expectLength) {
      int length = buf.getInt(0);
      if (length < 0 || length > shared.config().maxFrameBytes()) {
        shared.count("frame", Code.FRAME_TOO_LARGE.wire());
        refuseAndClose(new Refusal(Code.FRAME_TOO_LARGE, "the frame announces " + Integer.toUnsignedString(length)
          + " bytes; at most " + shared.config().maxFrameBytes() + " are accepted (BRIDGE_MAX_FRAME_BYTES)"), null);
        return;
      }
      if (length == 0) {
        refuse("frame", new Refusal(Code.INVALID_FRAME, "an empty frame is not a JSON object"), null);
        return;
      }
      expectLength = false;
      parser.fixedSizeMode(length);
      return;
    }
    expectLength = true;
    parser.fixedSizeMode(4);
    lastFrameNanos = System.nanoTime();
    try {
      frame(buf);
    } catch (RuntimeException e) {
      // Never let one frame take the bridge down; the client hears that something went wrong.
      LOG.error("bridge frame from {} failed unexpectedly", socket.remoteAddress(), e);
      write(new JsonObject().put("type", "err").put("message", "internal_error: the frame could not be handled"));
    }
  }

  private void frame(Buffer buf) {
    Object decoded;
    try {
      decoded = Json.decodeValue(buf);
    } catch (DecodeException e) {
      refuse("invalid", new Refusal(Code.INVALID_FRAME, "the frame is not valid JSON"), null);
      return;
    }
    if (!(decoded instanceof JsonObject msg)) {
      refuse("invalid", new Refusal(Code.INVALID_FRAME, "a frame must be a JSON object"), null);
      return;
    }
    Object rawReply = msg.getValue("replyAddress");
    String replyAddress = rawReply instanceof String s ? s : null;
    Object rawType = msg.getValue("type");
    if (!(rawType instanceof String type)) {
      refuse("invalid", new Refusal(Code.INVALID_FRAME, "\"type\" is required (a string)"), replyAddress);
      return;
    }
    String kind = switch (type) {
      case "send", "publish", "register", "unregister", "ping" -> type;
      default -> "unknown";
    };
    if (!takeToken()) {
      refuse(kind, new Refusal(Code.RATE_LIMITED, "more than " + shared.config().maxFramesPerSecond()
        + " frames per second (BRIDGE_MAX_FRAMES_PER_SECOND); this frame was dropped"), replyAddress);
      return;
    }
    if (kind.equals("unknown")) {
      refuse(kind, new Refusal(Code.UNKNOWN_TYPE, "unknown frame type '" + type
        + "'; one of send, publish, register, unregister, ping"), replyAddress);
      return;
    }
    if (kind.equals("ping")) {
      shared.count(kind, "ok");
      FrameHelper.sendFrame("pong", socket);
      afterWrite();
      return;
    }
    if (rawReply != null && replyAddress == null) {
      refuse(kind, new Refusal(Code.INVALID_FRAME, "\"replyAddress\" must be a string"), null);
      return;
    }
    Object rawAddress = msg.getValue("address");
    if (rawAddress == null) {
      refuse(kind, new Refusal(Code.MISSING_ADDRESS, "a " + kind + " frame needs an \"address\""), replyAddress);
      return;
    }
    if (!(rawAddress instanceof String address)) {
      refuse(kind, new Refusal(Code.INVALID_FRAME, "\"address\" must be a string"), replyAddress);
      return;
    }
    Object headers = msg.getValue("headers");
    if (headers != null && !(headers instanceof JsonObject)) {
      refuse(kind, new Refusal(Code.INVALID_FRAME, "\"headers\" must be a JSON object"), replyAddress);
      return;
    }
    if (shared.closing()) {
      refuse(kind, new Refusal(Code.SHUTTING_DOWN, "this node is shutting down; connect again"), replyAddress);
      return;
    }
    switch (kind) {
      case "publish" -> refuse(kind, new Refusal(Code.ACCESS_DENIED, "publishing through the bridge is not allowed"),
        replyAddress);
      case "unregister" -> unregister(address, replyAddress);
      case "send" -> send(address, msg.getValue("body"), (JsonObject) headers, replyAddress);
      default -> register(address, (JsonObject) headers, replyAddress);
    }
  }

  // ---- frame types ---------------------------------------------------------------------------------------------

  private void send(String address, Object body, JsonObject headers, String replyAddress) {
    if (inFlight >= shared.config().maxInFlight()) {
      refuse("send", new Refusal(Code.TOO_MANY_IN_FLIGHT, inFlight + " requests of this socket are waiting for"
        + " their reply (BRIDGE_MAX_IN_FLIGHT); wait for one"), replyAddress);
      return;
    }
    inFlight++;
    authenticate(headers).compose(p -> {
      BridgePolicy.Rule rule = BridgePolicy.send(address, body, p);
      JsonObject request = address.equals(Addresses.FAVORITES_ADD) ? boundedAdd((JsonObject) body) : (JsonObject) body;
      // Client headers never reach the event bus: our own delivery options only (no codec, no timeout, no localOnly).
      DeliveryOptions options = new DeliveryOptions().setSendTimeout(shared.config().requestTimeoutMs());
      return shared.vertx().eventBus().request(address, request, options).map(reply -> {
        if (rule.owner() == BridgePolicy.Owner.REPLY) {
          BridgePolicy.checkJob(reply.body() instanceof JsonObject j ? j : null,
            String.valueOf(request.getValue("jobId")), p);
        }
        return reply.body();
      });
    }).onComplete(ar -> {
      inFlight--;
      if (closed) {
        return;
      }
      if (ar.succeeded()) {
        shared.count("send", "ok");
        if (replyAddress != null) {
          FrameHelper.sendFrame("message", replyAddress, null, new JsonObject(), true, ar.result(), socket);
          afterWrite();
        }
      } else if (ar.cause() instanceof Refusal r) {
        refuse("send", r, replyAddress);
      } else if (ar.cause() instanceof ReplyException re) {
        shared.count("send", "failed");
        failed(address, replyAddress, re);
      } else {
        LOG.error("bridge send to {} failed unexpectedly", address, ar.cause());
        shared.count("send", "failed");
        failed(address, replyAddress, new BusFailure(500, "unexpected error"));
      }
    });
  }

  /**
   * {@code favorites.add} with its {@code timeoutMs} (how long the caller waits; the verticle drops an add whose
   * caller has given up) at most BRIDGE_REQUEST_TIMEOUT_MS, so the verticle answers before the bridge stops waiting.
   */
  private JsonObject boundedAdd(JsonObject body) {
    long max = shared.config().requestTimeoutMs();
    Object t = body.getValue("timeoutMs");
    if (t == null || (t instanceof Number n && n.longValue() > max)) {
      return body.copy().put("timeoutMs", max);
    }
    return body; // a smaller wait stands; a bad value is the verticle's 400
  }

  /** The verticle's failure, as the stock bridge sends it, plus {@code errors} (the offending fields) when any. */
  private void failed(String address, String replyAddress, ReplyException re) {
    if (re instanceof BusFailure bf && !bf.errors().isEmpty()) {
      JsonObject payload = new JsonObject().put("type", "err").put("address", replyAddress)
        .put("sourceAddress", address).put("failureCode", re.failureCode())
        .put("failureType", re.failureType().name()).put("message", re.getMessage()).put("errors", bf.errorsJson());
      FrameHelper.writeFrame(payload, socket);
    } else {
      FrameHelper.sendErrFrame(address, replyAddress, re, socket);
    }
    afterWrite();
  }

  private void register(String address, JsonObject headers, String replyAddress) {
    authenticate(headers).onComplete(ar -> {
      if (closed) {
        return;
      }
      try {
        if (ar.failed()) {
          throw ar.cause() instanceof Refusal r ? r : new Refusal(Code.UNAUTHORIZED, "the token cannot be verified");
        }
        Principal p = ar.result();
        String normalised = BridgePolicy.register(address, p);
        Registration existing = registrations.get(normalised);
        if (existing != null) {
          // Registering again (e.g. with a fresh token before the old one expires) rebinds it; no second consumer.
          registrations.put(normalised, new Registration(existing.consumer(), p.jti(), p.exp()));
          shared.count("register", "ok");
          acknowledge(replyAddress, "registered", normalised);
          return;
        }
        if (registrations.size() >= shared.config().maxRegistrations()) {
          throw new Refusal(Code.TOO_MANY_REGISTRATIONS, "this socket is registered on " + registrations.size()
            + " addresses already (BRIDGE_MAX_REGISTRATIONS)");
        }
        MessageConsumer<Object> consumer = shared.vertx().eventBus().consumer(normalised, event -> {
          if (!closed) {
            FrameHelper.sendFrame("message", normalised, null, new JsonObject(), false, event.body(), socket);
            shared.countEvent();
            afterWrite();
          }
        });
        registrations.put(normalised, new Registration(consumer, p.jti(), p.exp()));
        // The ack (when asked for with a replyAddress) comes once the registration is known cluster-wide: events
        // after it are delivered, wherever they happen.
        consumer.completion().onComplete(done -> {
          if (closed) {
            return;
          }
          if (done.succeeded()) {
            shared.count("register", "ok");
            acknowledge(replyAddress, "registered", normalised);
          } else {
            registrations.remove(normalised, registrations.get(normalised));
            LOG.warn("bridge registration on {} failed: {}", normalised, done.cause().toString());
            write(new JsonObject().put("type", "err").put("address", replyAddress != null ? replyAddress : normalised)
              .put("message", "unavailable: the registration could not be made; try again"));
          }
        });
      } catch (Refusal r) {
        refuse("register", r, replyAddress);
      }
    });
  }

  private void unregister(String address, String replyAddress) {
    String customer = BridgePolicy.eventsCustomer(address);
    String normalised = customer == null ? address : "favorites.events." + customer;
    Registration r = registrations.remove(normalised);
    if (r == null) {
      refuse("unregister", new Refusal(Code.UNKNOWN_ADDRESS, "this socket is not registered on '" + address + "'"),
        replyAddress);
      return;
    }
    r.consumer().unregister();
    shared.count("unregister", "ok");
    acknowledge(replyAddress, "unregistered", normalised);
  }

  /** A reply to a register or unregister that carried a replyAddress (the stock protocol has none: optional). */
  private void acknowledge(String replyAddress, String what, String address) {
    if (replyAddress != null) {
      FrameHelper.sendFrame("message", replyAddress, null, new JsonObject(), true, new JsonObject().put(what, address),
        socket);
      afterWrite();
    }
  }

  // ---- authentication ------------------------------------------------------------------------------------------

  /** {@code headers.authorization} = {@code Bearer <JWT>}, verified as the HTTP edge does, and not revoked. */
  private Future<Principal> authenticate(JsonObject headers) {
    Object auth = headers == null ? null : headers.getValue("authorization");
    if (!(auth instanceof String value) || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())
      || value.length() == BEARER.length()) {
      return Future.failedFuture(new Refusal(Code.UNAUTHORIZED,
        "headers.authorization must be \"Bearer <token>\" (a token from POST /v1/auth/token)"));
    }
    String token = value.substring(BEARER.length()).trim();
    return shared.jwt().authenticate(new TokenCredentials(token)).transform(ar -> {
      Principal p = ar.succeeded() ? Principal.of(ar.result()) : null;
      if (p == null || p.subject() == null) {
        return Future.failedFuture(new Refusal(Code.UNAUTHORIZED, "the token is not valid (signature, issuer or expiry)"));
      }
      if (shared.denylist().isRevoked(p.jti())) {
        return Future.failedFuture(new Refusal(Code.UNAUTHORIZED, "the token has been revoked"));
      }
      return Future.succeededFuture(p);
    });
  }

  // ---- limits, token binding, writing --------------------------------------------------------------------------

  private boolean takeToken() {
    long now = System.nanoTime();
    int rate = shared.config().maxFramesPerSecond();
    tokens = Math.min(rate, tokens + (now - refilledNanos) * rate / 1e9);
    refilledNanos = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** Sends the refusal; a limit or protocol breach counts, and the one that reaches BRIDGE_MAX_VIOLATIONS closes. */
  private void refuse(String kind, Refusal r, String replyAddress) {
    shared.count(kind, r.code.wire());
    if (r.code.violation && ++violations >= shared.config().maxViolations()) {
      refuseAndClose(new Refusal(r.code, r.getMessage() + "; closing the socket after " + violations
        + " refused frames (BRIDGE_MAX_VIOLATIONS)"), replyAddress);
      return;
    }
    write(r.frame(replyAddress));
  }

  void refuseAndClose(Refusal r, String address) {
    write(r.frame(address));
    close();
  }

  /**
   * Drops the registrations whose token has expired (past exp + JWT_LEEWAY_SECONDS, as verification allows) or was
   * revoked, each with an {@code unauthorized} err frame naming its address. Run by the verticle's sweep.
   */
  void checkTokens(long nowSeconds, int leewaySeconds) {
    List<String> dropped = new ArrayList<>();
    registrations.forEach((address, r) -> {
      boolean revoked = shared.denylist().isRevoked(r.jti());
      if (revoked || r.exp() + leewaySeconds < nowSeconds) {
        r.consumer().unregister();
        dropped.add(address);
        write(new Refusal(Code.UNAUTHORIZED, "token " + (revoked ? "revoked" : "expired")
          + "; the registration was dropped (register again with a valid token)").frame(address));
      }
    });
    dropped.forEach(registrations::remove);
  }

  void write(JsonObject payload) {
    if (!closed) {
      FrameHelper.writeFrame(payload, socket);
      afterWrite();
    }
  }

  /** A client that does not read what it is sent is closed: nothing is buffered past BRIDGE_WRITE_QUEUE_MAX_BYTES. */
  private void afterWrite() {
    if (!closed && socket.writeQueueFull()) {
      LOG.info("bridge client {} reads too slowly (more than {} bytes waiting): closed", socket.remoteAddress(),
        shared.config().writeQueueMaxBytes());
      shared.count("socket", "slow_reader");
      close();
    }
  }

  void close() {
    if (!closed) {
      closed = true;
      release();
      socket.close();
    }
  }

  /** Unregisters everything (the socket closed, or is closing). */
  void release() {
    closed = true;
    registrations.values().forEach(r -> r.consumer().unregister());
    registrations.clear();
  }
}
