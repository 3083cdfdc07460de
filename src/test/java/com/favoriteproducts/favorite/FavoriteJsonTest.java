package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.ProductView;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A favorites page is written two ways: as JSON objects (event-bus callers) and straight to JSON text (the HTTP edge,
 * {@code reply-as: json-bytes}). They must be the same JSON, field for field, for every availability and value shape.
 */
@DisplayName("favorites page: JSON text equals the JSON objects")
class FavoriteJsonTest {

  private static final OffsetDateTime ADDED = OffsetDateTime.of(2026, 12, 1, 10, 11, 12, 345_678_000, ZoneOffset.ofHours(2));
  private static final OffsetDateTime FETCHED = OffsetDateTime.of(2026, 11, 30, 8, 0, 0, 0, ZoneOffset.UTC);

  private static Favorite favorite(String title, String brand, String image, Double price, Double score,
                                   OffsetDateTime fetched) {
    return new Favorite(UUID.randomUUID(), UUID.randomUUID(), ADDED, title, brand, image, price, score, fetched);
  }

  private static List<Object[]> cases() {
    List<Object[]> out = new ArrayList<>();
    Favorite full = favorite("Snap \"title\" é \u2028", "Brand", "http://img/1.png", 12.5, 4.25, FETCHED);
    Favorite bare = favorite("", null, null, null, null, null);
    JsonObject available = new JsonObject().put("id", "x").put("title", "Live title ✓").put("image", "http://i/2")
      .put("price", 19.99).put("brand", "B").put("reviewScore", 4.5).put("availability", "AVAILABLE")
      .put("fetchedAt", "2026-12-01T00:00:00Z");
    out.add(new Object[] {full, available});
    out.add(new Object[] {full, available.copy().put("price", 20).put("reviewScore", 3L)});
    out.add(new Object[] {full, available.copy().put("price", new BigDecimal("1.10")).putNull("brand")});
    out.add(new Object[] {full, available.copy().put("price", 7.0f)});
    JsonObject noScore = available.copy();
    noScore.remove("reviewScore");
    out.add(new Object[] {full, noScore});
    out.add(new Object[] {full, available.copy().put("availability", "STALE")});
    JsonObject staleNoFetched = available.copy().put("availability", "STALE");
    staleNoFetched.remove("fetchedAt");
    out.add(new Object[] {full, staleNoFetched});
    out.add(new Object[] {full, new JsonObject().put("id", "x").put("availability", "NOT_FOUND")});
    out.add(new Object[] {full, new JsonObject().put("id", "x").put("availability", "UNAVAILABLE")});
    out.add(new Object[] {full, new JsonObject().put("id", "x").put("availability", "INVALID")});
    out.add(new Object[] {full, null});
    out.add(new Object[] {bare, null});
    out.add(new Object[] {bare, new JsonObject().put("id", "x").put("availability", "NOT_FOUND")});
    out.add(new Object[] {bare, new JsonObject().put("availability", "AVAILABLE")});
    return out;
  }

  @Test
  @DisplayName("every item, and the page with and without a next cursor")
  void same() {
    List<Favorite> rows = new ArrayList<>();
    List<ProductView> views = new ArrayList<>();
    for (Object[] c : cases()) {
      Favorite f = (Favorite) c[0];
      JsonObject p = (JsonObject) c[1];
      ProductView v = ProductView.of(p);
      rows.add(f);
      views.add(v);
      Buffer one = FavoriteReads.render(List.of(f), new ProductView[] {v}, null);
      JsonObject expected = new JsonObject().put("items", new JsonArray().add(f.toJson(v))).putNull("nextCursor");
      assertThat(new JsonObject(one)).as("item with product %s", p).isEqualTo(expected);
      // Byte for byte too: the ETag is over these bytes, and the JSON-object path's encoding must give the same.
      assertThat(one.toString()).isEqualTo(expected.encode());
      // The view carries the entry's values as the entry holds them (an Integer price stays an Integer, a BigDecimal
      // a BigDecimal), so the item is what the entry says.
      JsonObject item = expected.getJsonArray("items").getJsonObject(0);
      if (v != null && v.availability().known()) {
        for (String field : new String[] {"title", "image", "price", "brand", "reviewScore"}) {
          assertThat(item.getValue(field)).as("%s of %s", field, p).isEqualTo(p.getValue(field));
        }
        assertThat(item.getString("availability")).isEqualTo(p.getString("availability"));
      }
    }
    for (String next : new String[] {null, "abc_-123"}) {
      JsonArray items = new JsonArray();
      for (int i = 0; i < rows.size(); i++) {
        items.add(rows.get(i).toJson(views.get(i)));
      }
      JsonObject expected = new JsonObject().put("items", items).put("nextCursor", next);
      assertThat(FavoriteReads.render(rows, views.toArray(new ProductView[0]), next).toString())
        .isEqualTo(expected.encode());
    }
    assertThat(FavoriteReads.render(List.of(), new ProductView[0], null).toString())
      .isEqualTo("{\"items\":[],\"nextCursor\":null}");
  }

  @Test
  @DisplayName("an entry that says AVAILABLE or STALE without a usable title and price is served from the snapshot")
  void unusableEntries() {
    Favorite full = favorite("Snapshot title", "Brand", "http://img/1.png", 12.5, 4.25, FETCHED);
    JsonObject good = new JsonObject().put("id", "x").put("title", "Live").put("price", 3).put("availability", "STALE");
    assertThat(full.toJson(ProductView.of(good)).getString("title")).isEqualTo("Live");
    for (JsonObject bad : new JsonObject[] {good.copy().put("title", 5), good.copy().put("price", "3"),
      good.copy().putNull("title"), new JsonObject().put("availability", "AVAILABLE")}) {
      JsonObject item = full.toJson(ProductView.of(bad));
      assertThat(item.getString("availability")).as("%s", bad).isEqualTo("STALE");
      assertThat(item.getString("title")).as("%s", bad).isEqualTo("Snapshot title");
      assertThat(item.getDouble("price")).as("%s", bad).isEqualTo(12.5);
      assertThat(item.getString("fetchedAt")).as("%s", bad).isEqualTo("2026-11-30T08:00:00Z");
    }
  }

  @Test
  @DisplayName("timestamps are written exactly as ISO_INSTANT writes them (any offset, precision and year)")
  void timestampsAsIsoInstant() {
    java.util.Random r = new java.util.Random(42);
    List<OffsetDateTime> samples = new ArrayList<>(List.of(
      OffsetDateTime.of(2026, 12, 3, 12, 46, 43, 0, ZoneOffset.UTC),
      OffsetDateTime.of(2026, 12, 3, 12, 46, 43, 120_000_000, ZoneOffset.UTC),
      OffsetDateTime.of(2026, 12, 3, 12, 46, 43, 123_456_000, ZoneOffset.ofHours(-5)),
      OffsetDateTime.of(2026, 12, 31, 23, 59, 59, 1, ZoneOffset.ofHoursMinutes(-9, -30)),
      OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
      OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999, ZoneOffset.UTC),
      OffsetDateTime.of(9999, 12, 31, 23, 0, 0, 0, ZoneOffset.ofHours(-2)),
      OffsetDateTime.of(-5, 6, 7, 8, 9, 10, 0, ZoneOffset.UTC),
      OffsetDateTime.of(12_345, 6, 7, 8, 9, 10, 11_000, ZoneOffset.UTC)));
    for (int i = 0; i < 5000; i++) {
      long second = r.nextLong() % 400_000_000_000L;
      int nano = switch (i % 4) {
        case 0 -> 0;
        case 1 -> r.nextInt(1000) * 1_000_000;
        case 2 -> r.nextInt(1_000_000) * 1000;
        default -> r.nextInt(1_000_000_000);
      };
      samples.add(java.time.Instant.ofEpochSecond(second, nano).atOffset(ZoneOffset.ofTotalSeconds((r.nextInt(37) - 18) * 3600)));
    }
    for (OffsetDateTime t : samples) {
      assertThat(Favorite.ts(t)).as("%s", t).isEqualTo(java.time.format.DateTimeFormatter.ISO_INSTANT.format(t));
    }
    assertThat(Favorite.ts(null)).isNull();
  }
}
