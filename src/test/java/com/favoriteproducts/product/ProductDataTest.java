package com.favoriteproducts.product;

import com.favoriteproducts.config.ProductDataConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the service accepts from the product API (Product.fromApi): the edge of product/. */
@DisplayName("product data from the product API")
class ProductDataTest {

  private static final ProductDataConfig LIMITS = ProductDataConfig.from(new JsonObject()
    .put("PRODUCTS_MAX_TEXT_LENGTH", 20).put("PRODUCTS_MAX_URL_LENGTH", 40));
  private static final String ID = "db510669-a6b8-46b4-80d5-d015da6e0eb5";

  private static JsonObject parse(String json) {
    return Product.fromApi(ID, new JsonObject(json), Instant.EPOCH, LIMITS);
  }

  @Test
  @DisplayName("NUL, C0 and C1 controls, DEL and lone surrogates are dropped, control whitespace becomes a space;"
    + " surrogate pairs (emoji) stay")
  void cleaned() {
    JsonObject p = parse("{\"title\":\" a\\u0000b\\u001b[0m\\u007fc\\u0085d\\ud800e\\udc00\\tf\\ud83d\\ude00 \","
      + "\"brand\":\"Ac\\u0000me\",\"price\":9.5}");
    assertThat(p.getString("title")).isEqualTo("ab[0mcde f\ud83d\ude00");
    assertThat(p.getString("brand")).isEqualTo("Acme");
    assertThat(p.getString("id")).isEqualTo(ID);
    assertThat(p.getString("fetchedAt")).isEqualTo(Instant.EPOCH.toString());
    assertThat(Product.clean("plain")).isEqualTo("plain");
  }

  @Test
  @DisplayName("an unusable title or price makes the product invalid: missing, wrong type, blank after cleaning,"
    + " too long, not a finite number from 0, too large")
  void refused() {
    List<String> bodies = List.of("{\"price\":1}", "{\"title\":7,\"price\":1}", "{\"title\":[\"x\"],\"price\":1}",
      "{\"title\":\"\\u0000\\u0001 \",\"price\":1}", "{\"title\":\"" + "x".repeat(21) + "\",\"price\":1}",
      "{\"title\":\"x\"}", "{\"title\":\"x\",\"price\":\"1\"}", "{\"title\":\"x\",\"price\":-0.01}",
      "{\"title\":\"x\",\"price\":1e400}", "{\"title\":\"x\",\"price\":" + BigInteger.TEN.pow(30) + "}",
      "{\"title\":\"x\",\"price\":null}");
    for (String body : bodies) {
      assertThatThrownBy(() -> parse(body)).as(body).isInstanceOf(Product.InvalidProductException.class);
    }
    assertThatThrownBy(() -> Product.fromApi(ID, null, Instant.EPOCH, LIMITS))
      .isInstanceOf(Product.InvalidProductException.class);
  }

  @Test
  @DisplayName("unusable optional fields are dropped: brand not a string or too long, image not a short http(s) URL,"
    + " reviewScore not a number from 0 to 5; unknown fields are not kept")
  void optionalDropped() {
    JsonObject p = parse("{\"title\":\"x\",\"price\":1,\"brand\":{\"a\":1},\"image\":\"javascript:alert(1)\","
      + "\"reviewScore\":7,\"extra\":\"y\"}");
    assertThat(p.getValue("brand")).isNull();
    assertThat(p.getValue("image")).isNull();
    assertThat(p.containsKey("reviewScore")).isFalse();
    assertThat(p.containsKey("extra")).isFalse();
    assertThat(parse("{\"title\":\"x\",\"price\":1,\"brand\":\"" + "b".repeat(21) + "\"}").getValue("brand")).isNull();
    assertThat(parse("{\"title\":\"x\",\"price\":1,\"image\":\"http://e.com/" + "i".repeat(40) + "\"}")
      .getValue("image")).isNull();
    assertThat(parse("{\"title\":\"x\",\"price\":1,\"image\":\"http://e.com/a b.jpg\"}").getValue("image")).isNull();
    assertThat(parse("{\"title\":\"x\",\"price\":1,\"image\":\"http://e.com/a\\u0000.jpg\"}").getValue("image"))
      .isNull();
    JsonObject good = parse("{\"title\":\"x\",\"price\":149.9,\"brand\":\"Acme\",\"image\":\"https://e.com/a.jpg\","
      + "\"reviewScore\":4.5}");
    assertThat(good.getString("image")).isEqualTo("https://e.com/a.jpg");
    assertThat(good.getDouble("price")).isEqualTo(149.9);
    assertThat(good.getDouble("reviewScore")).isEqualTo(4.5);
    assertThat(good.getString("brand")).isEqualTo("Acme");
  }
}
