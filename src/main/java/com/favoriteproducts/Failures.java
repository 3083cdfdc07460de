package com.favoriteproducts;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The small fixed set of event-bus failure codes. They are HTTP status numbers on purpose, so the HTTP edge maps
 * them one to one and event-bus callers in the cluster read them without a table.
 */
public final class Failures {

  private Failures() {
  }

  /** The request is invalid; the message is a JSON object {@code {"detail", "errors": [{field, message}]}}. */
  public static final int BAD_REQUEST = 400;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int PRECONDITION_FAILED = 412;
  /** A dependency (database, product API) is unavailable; try again later. */
  public static final int UNAVAILABLE = 503;

  public static void invalid(Message<?> msg, String detail, String field, String fieldMessage) {
    invalid(msg, detail, new JsonArray().add(new JsonObject().put("field", field).put("message", fieldMessage)));
  }

  public static void invalid(Message<?> msg, String detail, JsonArray errors) {
    msg.fail(BAD_REQUEST, new JsonObject().put("detail", detail).put("errors", errors).encode());
  }
}
