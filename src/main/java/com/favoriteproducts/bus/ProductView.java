package com.favoriteproducts.bus;

import io.vertx.core.json.JsonObject;

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
 */
public record ProductView(Availability availability, String title, String brand, String image,
                          Object price, Object reviewScore, String fetchedAt) {

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
    return new ProductView(availability, title, text(entry, "brand"), text(entry, "image"), price,
      number(entry, "reviewScore"), text(entry, "fetchedAt"));
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
