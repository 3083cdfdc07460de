package com.favoriteproducts.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** Reading the fields of a request body on the bus: what is missing or malformed is a 400 naming the field. */
public final class Fields {

  private Fields() {
  }

  /** The request body; an empty object for none. */
  public static JsonObject body(Message<JsonObject> msg) {
    return msg.body() == null ? new JsonObject() : msg.body();
  }

  /** The UUID in {@code field}; a 400 ("invalid {field}") when it is missing or not a UUID. */
  public static UUID uuid(Message<JsonObject> msg, String field) {
    return uuid(msg, field, "invalid " + field);
  }

  /** The UUID in {@code field}; a 400 with {@code detail} when it is missing or not a UUID. */
  public static UUID uuid(Message<JsonObject> msg, String field, String detail) {
    Object raw = msg.body() == null ? null : msg.body().getValue(field);
    try {
      return UUID.fromString((String) raw);
    } catch (RuntimeException e) {
      throw BusFailure.invalid(detail, field, "must be a UUID");
    }
  }
}
