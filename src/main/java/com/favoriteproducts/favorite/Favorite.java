package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.Availability;
import com.favoriteproducts.bus.ProductView;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import static com.favoriteproducts.bus.ProductView.field;

/** A stored favorite with the snapshot of the product taken when it was stored. */
public record Favorite(UUID customerId, UUID productId, OffsetDateTime addedAt, String title, String brand, String image,
                       Double price, Double reviewScore, OffsetDateTime fetchedAt) {

  /**
   * The favorite as the API shows it, described by {@code product} when the product service knows it (AVAILABLE or
   * STALE), else by the stored snapshot: marked NOT_FOUND when the product API no longer knows the product, STALE
   * (with the snapshot's {@code fetchedAt}) when it cannot answer.
   */
  public JsonObject toJson(ProductView product) {
    Availability availability = ProductView.availabilityOf(product);
    JsonObject out = new JsonObject().put("productId", productId.toString());
    if (availability.known()) {
      out.put("title", product.title()).put("image", product.image()).put("price", product.price())
        .put("brand", product.brand());
      if (product.reviewScore() != null) {
        out.put("reviewScore", product.reviewScore());
      }
      out.put("addedAt", ts(addedAt)).put("availability", availability.name());
      if (availability == Availability.STALE && product.fetchedAt() != null) {
        out.put("fetchedAt", product.fetchedAt());
      }
      return out;
    }
    snapshot(out);
    boolean gone = availability == Availability.NOT_FOUND;
    out.put("addedAt", ts(addedAt)).put("availability", (gone ? Availability.NOT_FOUND : Availability.STALE).name());
    if (!gone) {
      out.put("fetchedAt", ts(fetchedAt));
    }
    return out;
  }

  /**
   * The same object as {@link #toJson}, written as JSON text (fields in the same order); FavoriteJsonTest holds the two
   * equal for every availability.
   */
  public void writeTo(JsonGenerator g, ProductView product) throws IOException {
    Availability availability = ProductView.availabilityOf(product);
    g.writeStartObject();
    g.writeStringField("productId", productId.toString());
    if (availability.known()) {
      // The product's fields as the view wrote them once (ProductView.described), comma first: raw text does not
      // move the generator's state, which still has productId as the object's last field, so addedAt gets its comma.
      g.writeRaw(product.described());
      field(g, "addedAt", ts(addedAt));
      g.writeStringField("availability", availability.name());
      if (availability == Availability.STALE && product.fetchedAt() != null) {
        g.writeStringField("fetchedAt", product.fetchedAt());
      }
      g.writeEndObject();
      return;
    }
    ProductView.writeItemFields(g, title, image, price, brand, reviewScore);
    boolean gone = availability == Availability.NOT_FOUND;
    field(g, "addedAt", ts(addedAt));
    g.writeStringField("availability", (gone ? Availability.NOT_FOUND : Availability.STALE).name());
    if (!gone) {
      field(g, "fetchedAt", ts(fetchedAt));
    }
    g.writeEndObject();
  }

  private void snapshot(JsonObject out) {
    out.put("title", title).put("image", image).put("price", price).put("brand", brand);
    if (reviewScore != null) {
      out.put("reviewScore", reviewScore);
    }
  }

  /** True when the product service describes the product differently from the snapshot (the snapshot is refreshed). */
  public boolean differsFrom(ProductView product) {
    return !eq(title, product.title()) || !eq(brand, product.brand()) || !eq(image, product.image())
      || !num(price, product.price()) || !num(reviewScore, product.reviewScore());
  }

  private static boolean eq(Object a, Object b) {
    return a == null ? b == null : a.equals(b);
  }

  private static boolean num(Double a, Object b) {
    if (a == null || b == null) {
      return a == null && b == null;
    }
    return b instanceof Number n && Double.compare(a, n.doubleValue()) == 0;
  }

  /**
   * {@code t} as {@link DateTimeFormatter#ISO_INSTANT} writes it ({@code 2026-12-03T12:46:43.123456Z}: UTC, the
   * fraction in groups of three digits, none when zero), written by hand for the years 0-9999: the formatter was 2.4%
   * of the event loops on a cold list (one or two per item). Other years take the formatter.
   */
  static String ts(OffsetDateTime t) {
    if (t == null) {
      return null;
    }
    OffsetDateTime u = t.getOffset().equals(ZoneOffset.UTC) ? t : t.withOffsetSameInstant(ZoneOffset.UTC);
    int year = u.getYear();
    if (year < 0 || year > 9999) {
      return DateTimeFormatter.ISO_INSTANT.format(u);
    }
    int nano = u.getNano();
    char[] c = new char[30];
    int n = 0;
    n = digits(c, n, year, 4);
    c[n++] = '-';
    n = digits(c, n, u.getMonthValue(), 2);
    c[n++] = '-';
    n = digits(c, n, u.getDayOfMonth(), 2);
    c[n++] = 'T';
    n = digits(c, n, u.getHour(), 2);
    c[n++] = ':';
    n = digits(c, n, u.getMinute(), 2);
    c[n++] = ':';
    n = digits(c, n, u.getSecond(), 2);
    if (nano != 0) {
      c[n++] = '.';
      if (nano % 1_000_000 == 0) {
        n = digits(c, n, nano / 1_000_000, 3);
      } else if (nano % 1000 == 0) {
        n = digits(c, n, nano / 1000, 6);
      } else {
        n = digits(c, n, nano, 9);
      }
    }
    c[n++] = 'Z';
    return new String(c, 0, n);
  }

  private static int digits(char[] c, int at, int v, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + v % 10);
      v /= 10;
    }
    return at + width;
  }
}
