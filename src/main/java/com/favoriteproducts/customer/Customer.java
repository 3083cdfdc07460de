package com.favoriteproducts.customer;

import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.bus.FieldError;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** A customer as stored; {@code version} backs the ETag. */
public record Customer(UUID id, long seq, String name, String email, int version, OffsetDateTime createdAt,
                       OffsetDateTime updatedAt) {

  public static final int NAME_MAX = 200;
  public static final int EMAIL_MAX = 320;
  private static final DateTimeFormatter TS = DateTimeFormatter.ISO_INSTANT;

  public JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("name", name).put("email", email)
      .put("createdAt", ts(createdAt)).put("updatedAt", ts(updatedAt)).put("version", version);
  }

  static String ts(OffsetDateTime t) {
    return TS.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }

  /**
   * A create, update or patch body, checked and normalised ({@link Text}): the stored form of the fields it has
   * (null for a field it lacks) and one error per offending field (then do not store anything).
   */
  record Input(String name, String email, List<FieldError> errors) {
  }

  /** Checks a {name, email} body ({@code partial}: only the fields present) and normalises its fields. */
  static Input parse(JsonObject body, boolean partial) {
    List<FieldError> errors = new ArrayList<>();
    for (String key : body.fieldNames()) {
      if (!key.equals("name") && !key.equals("email")) {
        errors.add(error(key, "is not a known field"));
      }
    }
    String name = null;
    if (!partial || body.containsKey("name")) {
      name = field(body, "name", raw -> Text.name(raw, NAME_MAX), errors);
    }
    String email = null;
    if (!partial || body.containsKey("email")) {
      email = field(body, "email", raw -> Text.email(raw, EMAIL_MAX), errors);
    }
    return new Input(name, email, errors);
  }

  /** The stored form of an email to look up ({@code customers.list}), or a 400 naming {@code email}. */
  static String lookupEmail(String raw) {
    Text.Result r = Text.email(raw, EMAIL_MAX);
    if (!r.ok()) {
      throw BusFailure.invalid("invalid query", "email", r.error());
    }
    return r.value();
  }

  private static String field(JsonObject body, String key, Function<String, Text.Result> check, List<FieldError> errors) {
    Object raw = body.getValue(key);
    if (raw == null) {
      errors.add(error(key, "is required"));
      return null;
    }
    if (!(raw instanceof String s)) {
      errors.add(error(key, "must be a string"));
      return null;
    }
    Text.Result r = check.apply(s);
    if (!r.ok()) {
      errors.add(error(key, r.error()));
    }
    return r.value();
  }

  private static FieldError error(String field, String message) {
    return new FieldError("/" + field, message);
  }
}
