package com.favoriteproducts.fake;

import io.vertx.core.json.JsonObject;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/** The fault settings in force, shared by every instance of one deployment and changed at run time. */
final class Faults {

  private final AtomicReference<FaultSettings> current;

  Faults(FaultSettings initial) {
    this.current = new AtomicReference<>(initial);
  }

  FaultSettings current() {
    return current.get();
  }

  /** Applies a partial update atomically and returns the new settings. */
  FaultSettings update(JsonObject patch) {
    return current.updateAndGet(s -> s.merge(patch));
  }

  /** Whether this call should be answered 503 under the given settings (down, or drawn within failureRate). */
  static boolean shouldFail(FaultSettings s) {
    if (s.down() || s.failureRate() >= 1.0) {
      return true;
    }
    return s.failureRate() > 0.0 && ThreadLocalRandom.current().nextDouble() < s.failureRate();
  }
}
