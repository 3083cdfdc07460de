package com.favoriteproducts.fake;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ProductApiTest extends FakeProductsTestBase {

  private final List<Product> expected = CatalogGenerator.generate(SEED, SIZE);

  @Test
  @DisplayName("a product by id has the real API's shape and the catalog's values")
  void productById() {
    Product p = expected.stream().filter(x -> x.reviewScore() != null).findFirst().orElseThrow();
    HttpResponse<Buffer> r = get(productUri(p.id()));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("content-type")).isEqualTo("application/json");
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactly("id", "title", "brand", "image", "price", "reviewScore");
    assertThat(body.getString("id")).isEqualTo(p.id().toString());
    assertThat(body.getString("title")).isEqualTo(p.title());
    assertThat(body.getString("brand")).isEqualTo(p.brand());
    assertThat(body.getString("image")).isEqualTo("http://challenge-api.luizalabs.com/images/" + p.id() + ".jpg");
    assertThat(body.getValue("price")).isInstanceOf(Number.class);
    assertThat(body.getDouble("price")).isEqualTo(p.price());
    assertThat(body.getDouble("reviewScore")).isEqualTo(p.reviewScore());
  }

  @Test
  @DisplayName("a product without review has no reviewScore key at all")
  void reviewScoreAbsent() {
    Product p = expected.stream().filter(x -> x.reviewScore() == null).findFirst().orElseThrow();
    JsonObject body = get(productUri(p.id())).bodyAsJsonObject();
    assertThat(body.containsKey("reviewScore")).isFalse();
    assertThat(body.getString("id")).isEqualTo(p.id().toString());
  }

  @Test
  @DisplayName("the id path answers the same with and without the trailing slash, and in upper case")
  void trailingSlashOptional() {
    Product p = expected.get(17);
    Buffer with = get("/api/product/" + p.id() + "/").body();
    HttpResponse<Buffer> without = get("/api/product/" + p.id());
    HttpResponse<Buffer> upper = get("/api/product/" + p.id().toString().toUpperCase() + "/");
    assertThat(without.statusCode()).isEqualTo(200);
    assertThat(without.body()).isEqualTo(with);
    assertThat(upper.statusCode()).isEqualTo(200);
    assertThat(upper.body()).isEqualTo(with);
    assertThat(with.toJsonObject()).isEqualTo(p.toJson());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"/api/product/00000000-0000-4000-8000-000000000000/",
      "/api/product/00000000-0000-4000-8000-000000000000", "/api/product/not-a-uuid/", "/api/product/a/b/",
      "/api/products/", "/nothing"})
  @DisplayName("an unknown id or path answers 404 with a JSON error")
  void unknown(String uri) {
    HttpResponse<Buffer> r = get(uri);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.bodyAsJsonObject().getString("error")).isNotBlank();
  }

  @Test
  @DisplayName("page 1 by default: meta and the first 100 products in catalog order")
  void firstPageByDefault() {
    for (String uri : List.of("/api/product/", "/api/product", "/api/product/?page=1", "/api/product/?foo=x&page=1")) {
      HttpResponse<Buffer> r = get(uri);
      assertThat(r.statusCode()).as(uri).isEqualTo(200);
      JsonObject body = r.bodyAsJsonObject();
      assertThat(body.getJsonObject("meta")).isEqualTo(new JsonObject().put("page_number", 1).put("page_size", 100));
      JsonArray products = body.getJsonArray("products");
      assertThat(products).hasSize(100);
      assertThat(products.getJsonObject(0)).isEqualTo(expected.get(0).toJson());
      assertThat(products.getJsonObject(99)).isEqualTo(expected.get(99).toJson());
    }
  }

  @Test
  @DisplayName("pages follow each other, the last page holds the rest and the page past the end is 404")
  void pagination() {
    JsonObject second = get("/api/product/?page=2").bodyAsJsonObject();
    assertThat(second.getJsonObject("meta").getInteger("page_number")).isEqualTo(2);
    assertThat(second.getJsonArray("products").getJsonObject(0)).isEqualTo(expected.get(100).toJson());

    HttpResponse<Buffer> last = get("/api/product/?page=3");
    assertThat(last.statusCode()).isEqualTo(200);
    JsonObject body = last.bodyAsJsonObject();
    assertThat(body.getJsonObject("meta")).isEqualTo(new JsonObject().put("page_number", 3).put("page_size", 100));
    assertThat(body.getJsonArray("products")).hasSize(50);
    assertThat(body.getJsonArray("products").getJsonObject(49)).isEqualTo(expected.get(249).toJson());

    assertThat(get("/api/product/?page=4").statusCode()).isEqualTo(404);
    assertThat(get("/api/product/?page=99999999999").statusCode()).isEqualTo(404);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"page=0", "page=-1", "page=abc", "page=1.5", "page=", "page"})
  @DisplayName("a bad page number answers 400")
  void badPage(String query) {
    HttpResponse<Buffer> r = get("/api/product/?" + query);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("page");
  }

  @Test
  @DisplayName("only GET is served on the product API (405 with Allow)")
  void methodNotAllowed() {
    HttpResponse<Buffer> r = post(productUri(expected.get(0).id()), new JsonObject());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.getHeader("Allow")).isEqualTo("GET");
  }

  @Test
  @DisplayName("every product of the catalog is listed exactly once across the pages")
  void pagesCoverCatalog() {
    List<Object> ids = new java.util.ArrayList<>();
    for (int page = 1; page <= 3; page++) {
      get("/api/product/?page=" + page).bodyAsJsonObject().getJsonArray("products")
          .forEach(o -> ids.add(((JsonObject) o).getString("id")));
    }
    assertThat(ids).hasSize(SIZE).doesNotHaveDuplicates()
        .containsExactlyElementsOf(expected.stream().map(p -> (Object) p.id().toString()).toList());
  }

  @Test
  @DisplayName("CATALOG_FILE replaces the generated catalog")
  void catalogFile(@TempDir Path dir) throws Exception {
    UUID id = UUID.fromString("6a512e6c-6627-4286-8d18-583558359ab6");
    Path file = dir.resolve("catalog.json");
    Files.writeString(file, new JsonArray().add(new JsonObject()
        .put("id", id.toString()).put("title", "Cadeira").put("brand", "bébé confort").put("price", 1699.0)).encode());
    FakeProductsVerticle other = new FakeProductsVerticle();
    vertx.deployVerticle(other, new DeploymentOptions().setConfig(new JsonObject()
        .put("PORT", 0).put("CATALOG_FILE", file.toString()))).await();
    HttpResponse<Buffer> r = client.get(other.actualPort(), "127.0.0.1", productUri(id)).send().await();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject()).isEqualTo(new JsonObject().put("id", id.toString()).put("title", "Cadeira")
        .put("brand", "bébé confort").put("image", Product.imageFor(id)).put("price", 1699.0));
    JsonObject page = client.get(other.actualPort(), "127.0.0.1", "/api/product/").send().await().bodyAsJsonObject();
    assertThat(page.getJsonArray("products")).hasSize(1);
    assertThat(client.get(other.actualPort(), "127.0.0.1", "/api/product/?page=2").send().await().statusCode())
        .isEqualTo(404);
  }

  @Test
  @DisplayName("a deployment with a bad config fails to start, naming the key")
  void badConfigFailsDeployment() {
    Throwable cause = vertx.deployVerticle(new FakeProductsVerticle(), new DeploymentOptions()
            .setConfig(new JsonObject().put("PORT", 0).put("FAULT_FAILURE_RATE", "2")))
        .transform(ar -> Future.succeededFuture(ar.cause()))
        .await();
    assertThat(cause).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FAULT_FAILURE_RATE");
  }
}
