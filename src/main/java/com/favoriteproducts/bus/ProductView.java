package com.favoriteproducts.bus;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A product reply entry ({@code products.get}, {@code products.getMany}, the node's product cache) read once into
 * fields, for the code that reads it many times: a favorites page reads each product's availability, compares it with
 * the stored snapshot and writes it out, about twenty field reads per item, which on the JSON object were as many hash
 * lookups. Values are kept as the entry holds them (a price stays an Integer, a Long or a Double), so a page written
 * from a view is the same JSON, byte for byte, as one written from the entry.
 *
 * @param availability {@link Availability#of} the entry
 * @param price       a Number, or null
 * @param reviewScore a Number, or null
 * @param fetchedAt   when the product API gave the data, as the entry holds it (ISO-8601), or null
 * @param described   for an AVAILABLE or STALE view, the item fields it describes as JSON text, written once when the
 *                    view is made ({@link #described}); null otherwise
 */
public record ProductView(Availability availability, String title, String brand, String image,
                          Object price, Object reviewScore, String fetchedAt, SerializedString described) {

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * The view of a reply entry; null for none. The entry may come from another node or version, so it is checked here:
   * an optional field of the wrong type reads as absent, and an entry that says AVAILABLE or STALE without a title
   * (a string) and a price (a number) carries no usable data: it reads as {@link Availability#UNAVAILABLE}, and the
   * favorite is served from its snapshot.
   */
  public static ProductView of(JsonObject entry) {
    if (entry == null) {
      return null;
    }
    Availability availability = Availability.of(entry);
    String title = text(entry, "title");
    Object price = number(entry, "price");
    if (availability.known() && (title == null || price == null)) {
      availability = Availability.UNAVAILABLE;
    }
    String brand = text(entry, "brand");
    String image = text(entry, "image");
    Object reviewScore = number(entry, "reviewScore");
    return new ProductView(availability, title, brand, image, price, reviewScore, text(entry, "fetchedAt"),
      availability.known() ? described(title, image, price, brand, reviewScore) : null);
  }

  /**
   * {@code ,"title":…,"image":…,"price":…,"brand":…[,"reviewScore":…]}: the fields a favorites item takes from a
   * known product, as Vert.x's JSON encoding writes them (Favorite.toJson's order), with the comma that follows the
   * item's productId. A cached view describes the same product in every list that holds it, so writing these once per
   * view, not once per item, saves a page most of its JSON encoding (the price's double-to-text conversion and the
   * strings' escaping were 14% of a cold list's service CPU).
   */
  private static SerializedString described(String title, String image, Object price, String brand,
                                            Object reviewScore) {
    ByteArrayBuilder out = new ByteArrayBuilder(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      writeItemFields(g, title, image, price, brand, reviewScore);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String text = new String(out.toByteArray(), StandardCharsets.UTF_8);
    // {"title":…} -> ,"title":…
    return new SerializedString("," + text.substring(1, text.length() - 1));
  }

  /**
   * The product fields of a favorites item in Favorite.toJson's order ({@code title, image, price, brand}, then
   * {@code reviewScore} when there is one): from a view once ({@link #described}), or from a snapshot per item.
   */
  public static void writeItemFields(JsonGenerator g, String title, String image, Object price, String brand,
                                     Object reviewScore) throws IOException {
    field(g, "title", title);
    field(g, "image", image);
    field(g, "price", price);
    field(g, "brand", brand);
    if (reviewScore != null) {
      field(g, "reviewScore", reviewScore);
    }
  }

  /** One field as Vert.x's JSON encoding writes its value. */
  public static void field(JsonGenerator g, String name, Object value) throws IOException {
    g.writeFieldName(name);
    JacksonCodec.encodeJson(value, g);
  }

  /** The availability of a view; {@link Availability#UNAVAILABLE} for none (as {@link Availability#of} says). */
  public static Availability availabilityOf(ProductView view) {
    return view == null ? Availability.UNAVAILABLE : view.availability;
  }

  private static String text(JsonObject entry, String field) {
    return entry.getValue(field) instanceof String s ? s : null;
  }

  private static Object number(JsonObject entry, String field) {
    return entry.getValue(field) instanceof Number n ? n : null;
  }
}
