package com.favoriteproducts.bus;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.UUID;
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

  /**
   * The one spelling of a cursor among those that decode to the same key, or null when it is not one this service
   * could have issued: the key re-encoded by {@link #encode}, with whole numbers written as integers ({@code 1.0} is
   * {@code 1}) and UUIDs in their canonical lower-case form (what the readers of the keys do with them). Caches key
   * by it, so variants of one cursor (base64 padding, JSON spacing, upper-case ids) share an entry.
   */
  public static String canonical(String cursor) {
    if (cursor == null) {
      return null;
    }
    JsonArray key = decode(cursor);
    if (key == null) {
      return null;
    }
    JsonArray out = new JsonArray(new ArrayList<>(key.size()));
    for (Object v : key) {
      if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
        out.add(d.longValue());
      } else if (v instanceof String s) {
        out.add(uuidOrSelf(s));
      } else if (v == null || v instanceof Number || v instanceof Boolean) {
        out.add(v);
      } else {
        return null; // nested objects and arrays: never issued
      }
    }
    return encode(out);
  }

  private static String uuidOrSelf(String s) {
    if (s.length() > 36) {
      return s;
    }
    try {
      return UUID.fromString(s).toString();
    } catch (IllegalArgumentException e) {
      return s;
    }
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
