package com.favoriteproducts.fake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** A request the admin API refuses with 400; carries one message per offending field. */
final class BadRequest extends RuntimeException {

  record FieldError(String field, String message) { }

  private final List<FieldError> errors;

  BadRequest(List<FieldError> errors) {
    super(errors.isEmpty() ? "bad request" : errors.get(0).field() + " " + errors.get(0).message(), null, false, false);
    this.errors = List.copyOf(errors);
  }

  static BadRequest of(String field, String message) {
    return new BadRequest(List.of(new FieldError(field, message)));
  }

  List<FieldError> errors() {
    return errors;
  }

  JsonObject toJson() {
    JsonArray list = new JsonArray();
    errors.forEach(e -> list.add(new JsonObject().put("field", e.field()).put("message", e.message())));
    return new JsonObject().put("error", "bad request").put("errors", list);
  }
}
