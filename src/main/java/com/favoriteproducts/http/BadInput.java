package com.favoriteproducts.http;

import io.vertx.core.json.JsonArray;

/**
 * A client error found at the edge that is not one of the validator's own {@link
 * io.vertx.openapi.validation.ValidatorException}s: a value the validator could not check (it threw), a query string
 * or path that cannot be percent-decoded. The failure handler answers it with a 400 naming {@code errors}' fields.
 */
final class BadInput extends RuntimeException {

  private final transient JsonArray errors;

  BadInput(String detail, JsonArray errors, Throwable cause) {
    super(detail, cause, false, false);
    this.errors = errors;
  }

  JsonArray errors() {
    return errors;
  }
}
