package com.favoriteproducts.product;

import com.favoriteproducts.bus.Availability;
import com.favoriteproducts.config.ProductDataConfig;
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

  /** Prices at or above this are refused (no real product costs that much; numeric stays exact below it). */
  static final double MAX_PRICE = 1e12;

  /** The product API sent a product the service cannot use: a reason for the log, no stack trace. */
  static final class InvalidProductException extends RuntimeException {
    InvalidProductException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The product as the service stores it, from an API body: the known fields only, with {@code fetchedAt}. The API is
   * not ours and may send anything, so every field is checked here, before anything is cached or stored:
   * text is {@link #clean cleaned} (control characters and lone surrogates dropped, whitespace trimmed);
   * {@code title} (a non-blank string of at most PRODUCTS_MAX_TEXT_LENGTH characters) and {@code price} (a finite
   * number, 0 <= price < {@link #MAX_PRICE}) are required; an unusable optional field is dropped: {@code brand} not
   * a string or too long, {@code image} not an http(s) URL of at most PRODUCTS_MAX_URL_LENGTH characters,
   * {@code reviewScore} not a number from 0 to 5.
   *
   * @throws InvalidProductException naming the unusable required field
   */
  static JsonObject fromApi(String id, JsonObject body, Instant fetchedAt, ProductDataConfig limits) {
    if (body == null) {
      throw new InvalidProductException("the body is not a JSON object");
    }
    String title = body.getValue("title") instanceof String t ? clean(t) : null;
    if (title == null || title.isEmpty() || title.length() > limits.maxTextLength()) {
      throw new InvalidProductException("title must be a non-blank string of at most " + limits.maxTextLength()
        + " characters");
    }
    if (!(body.getValue("price") instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0
      || n.doubleValue() >= MAX_PRICE) {
      throw new InvalidProductException("price must be a number from 0 to " + MAX_PRICE);
    }
    String brand = body.getValue("brand") instanceof String b ? clean(b) : null;
    JsonObject p = new JsonObject().put("id", id).put("title", title)
      .put("brand", brand == null || brand.length() > limits.maxTextLength() ? null : brand)
      .put("image", imageUrl(body.getValue("image"), limits.maxUrlLength()))
      .put("price", n instanceof Integer || n instanceof Long || n instanceof Double ? n : n.doubleValue());
    if (body.getValue("reviewScore") instanceof Number score && score.doubleValue() >= 0 && score.doubleValue() <= 5) {
      p.put("reviewScore", score.doubleValue());
    }
    return p.put("fetchedAt", fetchedAt.toString());
  }

  /**
   * Text as the service keeps it: C0 and C1 control characters and DEL dropped (tab, line breaks and other control
   * whitespace become a space), lone surrogates dropped (PostgreSQL cannot store NUL, and neither can be shown),
   * then trimmed.
   */
  static String clean(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
      boolean keep = !Character.isSurrogate(c) && !Character.isISOControl(c);
      if (pair) {
        if (out != null) {
          out.append(c).append(s.charAt(i + 1));
        }
        i++;
        continue;
      }
      if (keep) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (Character.isWhitespace(c)) {
        out.append(' ');
      }
    }
    return (out == null ? s : out.toString()).strip();
  }

  /** An http(s) URL without spaces or control characters, of at most {@code max} characters; else null. */
  private static String imageUrl(Object raw, int max) {
    if (!(raw instanceof String s) || s.length() > max) {
      return null;
    }
    String lower = s.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || Character.isISOControl(c) || Character.isSurrogate(c) && !validPairAt(s, i)) {
        return null;
      }
    }
    return s;
  }

  private static boolean validPairAt(String s, int i) {
    char c = s.charAt(i);
    return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
      : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
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
