package com.favoriteproducts.bus;

import io.vertx.core.json.JsonObject;

/** One offending field of a bad request: a JSON pointer or parameter name, and what is wrong with it. */
public record FieldError(String field, String message) {

  public JsonObject toJson() {
    return new JsonObject().put("field", field).put("message", message);
  }
}
