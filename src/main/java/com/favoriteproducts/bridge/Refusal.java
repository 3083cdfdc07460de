package com.favoriteproducts.bridge;

import io.vertx.core.json.JsonObject;

/**
 * A frame the bridge itself refuses (not a verticle's failure): a stable code a client can switch on, and a sentence
 * for people. It becomes {@code {"type": "err", "address"?: <the frame's replyAddress>, "message": "<code>: <sentence>"}}.
 * Thrown or carried in a failed future; cheap (no stack trace): refusals are expected traffic.
 */
final class Refusal extends RuntimeException {

  /** The stable codes of docs/bridge.md. {@code violation} says whether it counts towards BRIDGE_MAX_VIOLATIONS. */
  enum Code {
    ACCESS_DENIED(false), UNAUTHORIZED(false), UNKNOWN_TYPE(true), MISSING_ADDRESS(true), INVALID_FRAME(true),
    FRAME_TOO_LARGE(true), TOO_MANY_REGISTRATIONS(true), TOO_MANY_IN_FLIGHT(true), RATE_LIMITED(true),
    UNKNOWN_ADDRESS(false), TOO_MANY_CONNECTIONS(false), IDLE_TIMEOUT(false), SHUTTING_DOWN(false);

    final boolean violation;

    Code(boolean violation) {
      this.violation = violation;
    }

    /** As it appears on the wire: {@code access_denied}. */
    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  final Code code;

  Refusal(Code code, String sentence) {
    super(sentence, null, false, false);
    this.code = code;
  }

  /** The err frame's payload; {@code address} (the request's replyAddress, or an event address) when not null. */
  JsonObject frame(String address) {
    JsonObject err = new JsonObject().put("type", "err");
    if (address != null) {
      err.put("address", address);
    }
    return err.put("message", code.wire() + ": " + getMessage());
  }
}
