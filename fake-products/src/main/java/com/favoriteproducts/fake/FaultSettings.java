package com.favoriteproducts.fake;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What goes wrong on product calls: added latency, a share of calls answered 503, or every call refused (down).
 * Immutable; {@link Faults} holds the current one.
 */
public record FaultSettings(long latencyMs, double failureRate, boolean down) {

  public static final long MAX_LATENCY_MS = 600_000;
  public static final FaultSettings NONE = new FaultSettings(0, 0.0, false);

  private static final Set<String> FIELDS = Set.of("latencyMs", "failureRate", "down");

  public JsonObject toJson() {
    return new JsonObject().put("latencyMs", latencyMs).put("failureRate", failureRate).put("down", down);
  }

  /**
   * These settings with the fields present in {@code patch} replaced; fields absent from the patch are kept.
   *
   * @throws BadRequest listing every unknown field and invalid value (nothing is changed then)
   */
  public FaultSettings merge(JsonObject patch) {
    List<BadRequest.FieldError> errors = new ArrayList<>();
    for (String field : patch.fieldNames()) {
      if (!FIELDS.contains(field)) {
        errors.add(new BadRequest.FieldError(field, "unknown field (expected latencyMs, failureRate, down)"));
      }
    }
    long latency = latencyMs;
    double rate = failureRate;
    boolean isDown = down;
    if (patch.containsKey("latencyMs")) {
      Object v = patch.getValue("latencyMs");
      if (v instanceof Number n && isIntegral(n) && n.longValue() >= 0 && n.longValue() <= MAX_LATENCY_MS) {
        latency = n.longValue();
      } else {
        errors.add(new BadRequest.FieldError("latencyMs", "must be an integer between 0 and " + MAX_LATENCY_MS));
      }
    }
    if (patch.containsKey("failureRate")) {
      Object v = patch.getValue("failureRate");
      if (v instanceof Number n && n.doubleValue() >= 0.0 && n.doubleValue() <= 1.0) {
        rate = n.doubleValue();
      } else {
        errors.add(new BadRequest.FieldError("failureRate", "must be a number between 0 and 1"));
      }
    }
    if (patch.containsKey("down")) {
      Object v = patch.getValue("down");
      if (v instanceof Boolean b) {
        isDown = b;
      } else {
        errors.add(new BadRequest.FieldError("down", "must be true or false"));
      }
    }
    if (!errors.isEmpty()) {
      throw new BadRequest(errors);
    }
    return new FaultSettings(latency, rate, isDown);
  }

  private static boolean isIntegral(Number n) {
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
      return true;
    }
    double d = n.doubleValue();
    return d == Math.rint(d) && !Double.isInfinite(d);
  }
}
