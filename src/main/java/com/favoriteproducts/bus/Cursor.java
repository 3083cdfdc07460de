package com.favoriteproducts.bus;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Function;

/** Opaque keyset cursors: the last row's sort key as a JSON array, base64url-encoded. */
public final class Cursor {

  private Cursor() {
  }

  public static String encode(JsonArray key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key.encode().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The key of a cursor made by {@link #encode}, read by {@code read} (which may throw on a key of the wrong shape);
   * null when there is no cursor. A cursor this service did not issue, or whose key {@code read} cannot take, is a 400
   * on the {@code cursor} field.
   */
  public static <T> T read(String cursor, Function<JsonArray, T> read) {
    if (cursor == null) {
      return null;
    }
    JsonArray key = decode(cursor);
    T out = null;
    if (key != null) {
      try {
        out = read.apply(key);
      } catch (RuntimeException e) {
        out = null;
      }
    }
    if (out == null) {
      throw BusFailure.invalid("invalid query", "cursor", "is not a cursor this service issued");
    }
    return out;
  }

  /** The decoded key, or null when the cursor was not made by {@link #encode}. */
  static JsonArray decode(String cursor) {
    if (cursor.isEmpty() || cursor.length() > 512) {
      return null;
    }
    try {
      return new JsonArray(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return null;
    }
  }
}
