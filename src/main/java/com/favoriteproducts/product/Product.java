package com.favoriteproducts.product;

import com.favoriteproducts.bus.Availability;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The product shapes. The API answers {@code {id, title, brand, image, price, reviewScore?}}; the service keeps those
 * fields (and nothing else) plus {@code fetchedAt}, the time the API gave them, and replies with an
 * {@code availability} added. Ids are UUID strings, compared case-insensitively and kept lower-cased.
 */
public final class Product {

  private Product() {
  }

  private static final Pattern ID = Pattern.compile(
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  /** The current time as stored in {@code fetchedAt} (millisecond precision). */
  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  /** The id lower-cased, or null when it is not a UUID string. */
  public static String normalizeId(Object raw) {
    if (!(raw instanceof String s) || !ID.matcher(s).matches()) {
      return null;
    }
    return s.toLowerCase(Locale.ROOT);
  }

  /**
   * The product as the service stores it, from an API body: the known fields only, with {@code fetchedAt}.
   * Null when the body is not a product (no title or price), which the caller treats as an API failure.
   */
  static JsonObject fromApi(String id, JsonObject body, Instant fetchedAt) {
    if (body == null || !(body.getValue("title") instanceof String title) || !(body.getValue("price") instanceof Number)) {
      return null;
    }
    JsonObject p = new JsonObject().put("id", id).put("title", title)
      .put("brand", body.getValue("brand") instanceof String b ? b : null)
      .put("image", body.getValue("image") instanceof String i ? i : null)
      .put("price", body.getValue("price"));
    if (body.getValue("reviewScore") instanceof Number score) {
      p.put("reviewScore", score);
    }
    return p.put("fetchedAt", fetchedAt.toString());
  }

  /** The stored marker for "the API said this product does not exist". */
  static JsonObject notFoundMarker(String id, Instant fetchedAt) {
    return new JsonObject().put("id", id).put("notFound", true).put("fetchedAt", fetchedAt.toString());
  }

  static boolean isNotFoundMarker(JsonObject stored) {
    return stored.getBoolean("notFound", false);
  }

  /** Epoch millis of {@code fetchedAt}; 0 (long ago) when missing or unreadable. */
  static long fetchedAtMillis(JsonObject stored) {
    try {
      String t = stored.getString("fetchedAt");
      return t == null ? 0 : Instant.parse(t).toEpochMilli();
    } catch (DateTimeParseException | ClassCastException e) {
      return 0;
    }
  }

  /** A reply entry for a stored product: a copy with the availability set. */
  static JsonObject withAvailability(JsonObject stored, Availability availability) {
    return stored.copy().put("availability", availability.name());
  }

  /** A reply entry without product data ({@code NOT_FOUND} or {@code UNAVAILABLE}). */
  static JsonObject bare(String id, Availability availability) {
    return new JsonObject().put("id", id).put("availability", availability.name());
  }
}
