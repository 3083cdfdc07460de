package com.favoriteproducts.fake;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One product as the real API describes it. {@code reviewScore} is null when the product has none: the key is then
 * left out of the JSON (not written as null), as the real API does.
 */
public record Product(UUID id, String title, String brand, String image, double price, Double reviewScore) {

  public static final String IMAGE_BASE = "http://challenge-api.luizalabs.com/images/";

  public static String imageFor(UUID id) {
    return IMAGE_BASE + id + ".jpg";
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id.toString())
        .put("title", title)
        .put("brand", brand)
        .put("image", image)
        .put("price", price);
    if (reviewScore != null) {
      json.put("reviewScore", reviewScore);
    }
    return json;
  }

  /**
   * Reads and checks a product: {@code id} (UUID), {@code title} and {@code price} (number >= 0, at most two
   * decimals) are required; {@code brand} defaults to "", {@code image} to the API's image URL for the id,
   * {@code reviewScore} (number 0..5) may be absent or null.
   *
   * @throws BadRequest listing every invalid field
   */
  public static Product fromJson(JsonObject json) {
    List<BadRequest.FieldError> errors = new ArrayList<>();
    UUID id = null;
    Object rawId = json.getValue("id");
    if (rawId instanceof String s && s.length() == 36) {
      try {
        id = UUID.fromString(s);
      } catch (IllegalArgumentException e) {
        // reported below
      }
    }
    if (id == null) {
      errors.add(new BadRequest.FieldError("id", "is required and must be a UUID"));
    }
    Object title = json.getValue("title");
    if (!(title instanceof String t) || t.isBlank()) {
      errors.add(new BadRequest.FieldError("title", "is required and must be a non-blank string"));
    }
    Double price = null;
    Object rawPrice = json.getValue("price");
    if (rawPrice instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() >= 0.0) {
      if (BigDecimal.valueOf(n.doubleValue()).stripTrailingZeros().scale() > 2) {
        errors.add(new BadRequest.FieldError("price", "must have at most two decimals"));
      } else {
        price = n.doubleValue();
      }
    } else {
      errors.add(new BadRequest.FieldError("price", "is required and must be a number >= 0"));
    }
    Object brand = json.getValue("brand");
    if (brand != null && !(brand instanceof String)) {
      errors.add(new BadRequest.FieldError("brand", "must be a string"));
    }
    Object image = json.getValue("image");
    if (image != null && !(image instanceof String)) {
      errors.add(new BadRequest.FieldError("image", "must be a string"));
    }
    Double score = null;
    Object rawScore = json.getValue("reviewScore");
    if (rawScore != null) {
      if (rawScore instanceof Number n && n.doubleValue() >= 0.0 && n.doubleValue() <= 5.0) {
        score = n.doubleValue();
      } else {
        errors.add(new BadRequest.FieldError("reviewScore", "must be a number between 0 and 5"));
      }
    }
    if (!errors.isEmpty()) {
      throw new BadRequest(errors);
    }
    return new Product(
        id,
        (String) title,
        brand == null ? "" : (String) brand,
        image == null ? imageFor(id) : (String) image,
        price,
        score);
  }
}
