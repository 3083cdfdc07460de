package com.favoriteproducts.customer;

import com.favoriteproducts.bus.FieldError;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** A customer as stored; {@code version} backs the ETag. */
public record Customer(UUID id, long seq, String name, String email, int version, OffsetDateTime createdAt,
                       OffsetDateTime updatedAt) {

  public static final int NAME_MAX = 200;
  public static final int EMAIL_MAX = 320;
  // Pragmatic address check (the contract asserts format: email for HTTP callers; event-bus callers get this one).
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
  private static final DateTimeFormatter TS = DateTimeFormatter.ISO_INSTANT;

  public JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("name", name).put("email", email)
      .put("createdAt", ts(createdAt)).put("updatedAt", ts(updatedAt)).put("version", version);
  }

  static String ts(OffsetDateTime t) {
    return TS.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }

  /** Trims; returns null when valid after trimming, else the reason. */
  static String checkName(String name) {
    if (name == null) {
      return "is required";
    }
    String n = name.strip();
    if (n.isEmpty()) {
      return "must not be blank";
    }
    if (n.length() > NAME_MAX) {
      return "must be at most " + NAME_MAX + " characters";
    }
    return null;
  }

  static String checkEmail(String email) {
    if (email == null) {
      return "is required";
    }
    String e = email.strip();
    if (e.length() > EMAIL_MAX) {
      return "must be at most " + EMAIL_MAX + " characters";
    }
    if (!EMAIL.matcher(e).matches()) {
      return "must be a valid email address";
    }
    return null;
  }

  static String normalizeName(String name) {
    return name.strip();
  }

  static String normalizeEmail(String email) {
    return email.strip().toLowerCase(java.util.Locale.ROOT);
  }

  /** Validation errors for a full {name, email} body, or an empty array. */
  static List<FieldError> validate(JsonObject body, boolean partial) {
    List<FieldError> errors = new ArrayList<>();
    for (String key : body.fieldNames()) {
      if (!key.equals("name") && !key.equals("email")) {
        errors.add(error(key, "is not a known field"));
      }
    }
    if (!partial || body.containsKey("name")) {
      Object n = body.getValue("name");
      String why = n == null || n instanceof String ? checkName((String) n) : "must be a string";
      if (why != null) {
        errors.add(error("name", why));
      }
    }
    if (!partial || body.containsKey("email")) {
      Object e = body.getValue("email");
      String why = e == null || e instanceof String ? checkEmail((String) e) : "must be a string";
      if (why != null) {
        errors.add(error("email", why));
      }
    }
    return errors;
  }

  private static FieldError error(String field, String message) {
    return new FieldError("/" + field, message);
  }
}
