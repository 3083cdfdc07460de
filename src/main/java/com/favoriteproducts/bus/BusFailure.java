package com.favoriteproducts.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A request on the event bus that failed for a known reason: a code from the small fixed set below, a detail, and for
 * {@link #BAD_REQUEST} the offending fields. The codes are HTTP status numbers on purpose, so the HTTP edge (and the
 * bridge) map them one to one and callers in the cluster read them without a table.
 *
 * <p>It travels as itself: a handler's failed future (or a thrown {@code BusFailure}) is the reply, and the caller's
 * request future fails with an equal {@code BusFailure}, on this node through {@link #CODEC}'s transform, across nodes
 * through its wire form. Callers that only need the code read it as any {@link ReplyException}. Every node of the
 * cluster registers the codec ({@link #registerCodec}, done by {@code Nodes.build}): a JVM that joins the cluster
 * without it cannot decode these replies (Vert.x drops a message whose codec it does not know, and the request times
 * out), as with any custom codec; docs/event-bus.md says so.
 */
public final class BusFailure extends ReplyException {

  public static final int BAD_REQUEST = 400;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int PRECONDITION_FAILED = 412;
  /** A dependency (database, product API, RabbitMQ) is unavailable; try again later. */
  public static final int UNAVAILABLE = 503;

  private final List<FieldError> errors;

  public BusFailure(int code, String detail) {
    this(code, detail, List.of());
  }

  public BusFailure(int code, String detail, List<FieldError> errors) {
    super(ReplyFailure.RECIPIENT_FAILURE, code, detail);
    this.errors = List.copyOf(errors);
  }

  /** A 400 naming one field. */
  public static BusFailure invalid(String detail, String field, String message) {
    return new BusFailure(BAD_REQUEST, detail, List.of(new FieldError(field, message)));
  }

  public static <T> Future<T> fail(int code, String detail) {
    return Future.failedFuture(new BusFailure(code, detail));
  }

  public int code() {
    return failureCode();
  }

  public String detail() {
    return getMessage();
  }

  /** The offending fields of a 400 (empty for other codes). */
  public List<FieldError> errors() {
    return errors;
  }

  /** {@code [{field, message}]}, as problems and bridge frames show them. */
  public JsonArray errorsJson() {
    JsonArray out = new JsonArray();
    errors.forEach(e -> out.add(e.toJson()));
    return out;
  }

  JsonObject toJson() {
    return new JsonObject().put("code", code()).put("detail", detail()).put("errors", errorsJson());
  }

  static BusFailure fromJson(JsonObject json) {
    List<FieldError> errors = new ArrayList<>();
    JsonArray list = json.getJsonArray("errors", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      JsonObject e = list.getJsonObject(i);
      errors.add(new FieldError(e.getString("field"), e.getString("message")));
    }
    return new BusFailure(json.getInteger("code"), json.getString("detail"), errors);
  }

  @Override
  public String toString() {
    return "BusFailure(" + code() + ", " + detail() + (errors.isEmpty() ? "" : ", " + errors) + ")";
  }

  /** Registers {@link #CODEC} as the default codec of {@code BusFailure} on this Vert.x instance. */
  public static void registerCodec(Vertx vertx) {
    vertx.eventBus().registerDefaultCodec(BusFailure.class, CODEC);
  }

  /** Immutable, so shared as is on one node; JSON (length-prefixed) between nodes. */
  public static final MessageCodec<BusFailure, BusFailure> CODEC = new MessageCodec<>() {
    @Override
    public void encodeToWire(Buffer buffer, BusFailure failure) {
      Buffer json = failure.toJson().toBuffer();
      buffer.appendInt(json.length()).appendBuffer(json);
    }

    @Override
    public BusFailure decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return fromJson(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
    }

    @Override
    public BusFailure transform(BusFailure failure) {
      return failure;
    }

    @Override
    public String name() {
      return "favorite-products.failure";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  };
}
