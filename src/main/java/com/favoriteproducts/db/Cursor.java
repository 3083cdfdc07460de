package com.favoriteproducts.db;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque keyset cursors: the last row's sort key as a JSON array, base64url-encoded. */
public final class Cursor {

  private Cursor() {
  }

  public static String encode(JsonArray key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** The decoded key, or null when the cursor was not made by {@link #encode}. */
  public static JsonArray decode(String cursor) {
    if (cursor == null || cursor.isEmpty() || cursor.length() > 512) {
      return null;
    }
    try {
      return new JsonArray(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return null;
    }
  }
}
