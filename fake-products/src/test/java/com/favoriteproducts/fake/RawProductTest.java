package com.favoriteproducts.fake;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /__admin/products/raw: a body served verbatim (the poison data a real API could send). */
class RawProductTest extends FakeProductsTestBase {

  @Test
  @DisplayName("a raw body is served verbatim for its id (a NUL in the title, wrong types), not listed, deletable")
  void rawText() {
    UUID id = UUID.randomUUID();
    String text = "{\"id\":\"" + id + "\",\"title\":\"bad\\u0000title\",\"price\":\"free\",\"brand\":7}";
    HttpResponse<Buffer> r = post("/__admin/products/raw", new JsonObject().put("id", id.toString()).put("body", text));
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.bodyAsJsonObject().getInteger("bytes")).isEqualTo(text.length());
    HttpResponse<Buffer> served = get(productUri(id));
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.getHeader("content-type")).startsWith("application/json");
    assertThat(served.bodyAsString()).isEqualTo(text);
    assertThat(served.bodyAsJsonObject().getString("title")).isEqualTo("bad\u0000title");
    assertThat(get("/api/product/?page=3").bodyAsJsonObject().getJsonArray("products")).hasSize(50);
    assertThat(post("/__admin/products/raw", new JsonObject().put("id", id.toString()).put("body", "{}")).statusCode())
        .isEqualTo(200);
    assertThat(get(productUri(id)).bodyAsString()).isEqualTo("{}");
    assertThat(delete("/__admin/products/" + id).statusCode()).isEqualTo(204);
    assertThat(get(productUri(id)).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("a raw body replaces a catalog product (any bytes, base64) until it is deleted")
  void rawBytesOverCatalog() {
    Product first = CatalogGenerator.product(SEED, 0);
    byte[] bytes = {'{', '"', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}; // invalid UTF-8
    HttpResponse<Buffer> r = post("/__admin/products/raw", new JsonObject().put("id", first.id().toString())
        .put("bodyBase64", Base64.getEncoder().encodeToString(bytes)));
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(get(productUri(first.id())).body().getBytes()).isEqualTo(bytes);
    assertThat(delete("/__admin/products/" + first.id()).statusCode()).isEqualTo(204);
    assertThat(get(productUri(first.id())).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("a raw product needs a UUID id and exactly one of body and bodyBase64 (400 naming the field)")
  void rawInvalid() {
    UUID id = UUID.randomUUID();
    List<JsonObject> bad = List.of(
        new JsonObject().put("body", "{}"),
        new JsonObject().put("id", "nope").put("body", "{}"),
        new JsonObject().put("id", id.toString()),
        new JsonObject().put("id", id.toString()).put("body", 1),
        new JsonObject().put("id", id.toString()).put("body", "{}").put("bodyBase64", "e30="),
        new JsonObject().put("id", id.toString()).put("bodyBase64", "%%%"));
    for (JsonObject body : bad) {
      HttpResponse<Buffer> r = post("/__admin/products/raw", body);
      assertThat(r.statusCode()).as("%s", body).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getJsonArray("errors")).isNotEmpty();
    }
    assertThat(get(productUri(id)).statusCode()).isEqualTo(404);
    assertThat(get("/__admin/products/raw").statusCode()).isEqualTo(405);
  }
}
