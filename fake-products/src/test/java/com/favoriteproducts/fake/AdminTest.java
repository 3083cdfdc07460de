package com.favoriteproducts.fake;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AdminTest extends FakeProductsTestBase {

  private final Product first = CatalogGenerator.product(SEED, 0);

  @Test
  @DisplayName("upserting an existing product changes its price everywhere, in place")
  void upsertExisting() {
    JsonObject changed = first.toJson().put("price", 149.9);
    HttpResponse<Buffer> r = post("/__admin/products", changed);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject()).isEqualTo(changed);
    assertThat(get(productUri(first.id())).bodyAsJsonObject().getDouble("price")).isEqualTo(149.9);
    assertThat(get("/api/product/?page=1").bodyAsJsonObject().getJsonArray("products").getJsonObject(0))
        .isEqualTo(changed);
  }

  @Test
  @DisplayName("upserting a new product adds it at the end with defaults for brand and image")
  void upsertNew() {
    UUID id = UUID.randomUUID();
    HttpResponse<Buffer> r = post("/__admin/products",
        new JsonObject().put("id", id.toString()).put("title", "Novo").put("price", 10));
    assertThat(r.statusCode()).isEqualTo(201);
    JsonObject expected = new JsonObject().put("id", id.toString()).put("title", "Novo").put("brand", "")
        .put("image", Product.imageFor(id)).put("price", 10.0);
    assertThat(get(productUri(id)).bodyAsJsonObject()).isEqualTo(expected);
    JsonObject last = get("/api/product/?page=3").bodyAsJsonObject();
    assertThat(last.getJsonArray("products")).hasSize(51);
    assertThat(last.getJsonArray("products").getJsonObject(50)).isEqualTo(expected);
  }

  @Test
  @DisplayName("an invalid product is refused with 400 naming each bad field, and nothing changes")
  void upsertInvalid() {
    List<JsonObject> bad = List.of(
        new JsonObject().put("id", "not-a-uuid").put("title", "x").put("price", 1),
        new JsonObject().put("title", "x").put("price", 1),
        new JsonObject().put("id", first.id().toString()).put("price", 1),
        new JsonObject().put("id", first.id().toString()).put("title", " ").put("price", 1),
        new JsonObject().put("id", first.id().toString()).put("title", "x"),
        new JsonObject().put("id", first.id().toString()).put("title", "x").put("price", "1"),
        new JsonObject().put("id", first.id().toString()).put("title", "x").put("price", -1),
        new JsonObject().put("id", first.id().toString()).put("title", "x").put("price", 1.999),
        new JsonObject().put("id", first.id().toString()).put("title", "x").put("price", 1).put("reviewScore", 7));
    for (JsonObject body : bad) {
      HttpResponse<Buffer> r = post("/__admin/products", body);
      assertThat(r.statusCode()).as("%s", body).isEqualTo(400);
    }
    JsonObject errors = post("/__admin/products", new JsonObject()).bodyAsJsonObject();
    assertThat(errors.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
        .containsExactly("id", "title", "price");
    assertThat(post("/__admin/products", "{oops").statusCode()).isEqualTo(400);
    assertThat(get(productUri(first.id())).bodyAsJsonObject()).isEqualTo(first.toJson());
  }

  @Test
  @DisplayName("deleting a product makes it 404 and shifts the pages; deleting it again is 404")
  void delete() {
    Product second = CatalogGenerator.product(SEED, 1);
    assertThat(delete("/__admin/products/" + first.id()).statusCode()).isEqualTo(204);
    assertThat(get(productUri(first.id())).statusCode()).isEqualTo(404);
    assertThat(get("/api/product/?page=1").bodyAsJsonObject().getJsonArray("products").getJsonObject(0))
        .isEqualTo(second.toJson());
    assertThat(get("/api/product/?page=3").bodyAsJsonObject().getJsonArray("products")).hasSize(49);
    HttpResponse<Buffer> again = delete("/__admin/products/" + first.id());
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(delete("/__admin/products/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("stats count product and list calls per id, faulted and not-found ones included, until reset")
  void stats() {
    Product second = CatalogGenerator.product(SEED, 1);
    UUID unknown = UUID.randomUUID();
    get(productUri(first.id()));
    get("/api/product/" + first.id());
    get(productUri(second.id()));
    get(productUri(unknown));
    get("/api/product/?page=1");
    get("/api/product/?page=0");
    setFaults(new JsonObject().put("down", true));
    assertThat(get(productUri(second.id())).statusCode()).isEqualTo(503);
    assertThat(get("/api/product/?page=2").statusCode()).isEqualTo(503);

    JsonObject stats = get("/__admin/stats").bodyAsJsonObject();
    assertThat(stats).isEqualTo(new JsonObject()
        .put("productCalls", 5)
        .put("listCalls", 3)
        .put("byId", new JsonObject()
            .put(first.id().toString(), 2).put(second.id().toString(), 2).put(unknown.toString(), 1)));

    assertThat(post("/__admin/stats/reset", new JsonObject()).statusCode()).isEqualTo(204);
    assertThat(get("/__admin/stats").bodyAsJsonObject()).isEqualTo(
        new JsonObject().put("productCalls", 0).put("listCalls", 0).put("byId", new JsonObject()));

    setFaults(new JsonObject().put("down", false));
    get(productUri(second.id()));
    assertThat(get("/__admin/stats").bodyAsJsonObject().getJsonObject("byId"))
        .isEqualTo(new JsonObject().put(second.id().toString(), 1));
  }

  @Test
  @DisplayName("admin calls are not counted as product calls, and unknown admin routes are 404")
  void adminNotCounted() {
    get("/__admin/faults");
    get("/__admin/stats");
    assertThat(get("/__admin/nothing").statusCode()).isEqualTo(404);
    assertThat(get("/__admin/stats").bodyAsJsonObject().getLong("productCalls")).isZero();
    assertThat(get("/__admin/stats").bodyAsJsonObject().getLong("listCalls")).isZero();
    assertThat(client.put("/__admin/faults").send().await().statusCode()).isEqualTo(405);
  }
}
