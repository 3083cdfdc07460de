package com.favoriteproducts.fake;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogTest {

  @Test
  @DisplayName("two catalogs with the same seed are identical, byte for byte")
  void sameSeedSameCatalog() {
    Catalog a = Catalog.generated(123L, 1_000);
    Catalog b = Catalog.generated(123L, 1_000);
    assertThat(a.products()).isEqualTo(b.products());
    for (int page = 1; page <= a.pageCount(); page++) {
      assertThat(a.page(page)).isEqualTo(b.page(page));
    }
  }

  @Test
  @DisplayName("a different seed gives different products")
  void differentSeedDiffers() {
    List<Product> a = Catalog.generated(1L, 100).products();
    List<Product> b = Catalog.generated(2L, 100).products();
    Set<UUID> idsA = new HashSet<>();
    a.forEach(p -> idsA.add(p.id()));
    assertThat(b).noneMatch(p -> idsA.contains(p.id()));
    assertThat(a.get(0).title()).isNotEqualTo(b.get(0).title());
  }

  @Test
  @DisplayName("a smaller catalog is a prefix of a larger one with the same seed")
  void prefixStable() {
    assertThat(Catalog.generated(9L, 300).products()).isEqualTo(Catalog.generated(9L, 1_000).products().subList(0, 300));
  }

  @Test
  @DisplayName("the default catalog is pinned: the first product never changes across machines or versions")
  void defaultCatalogPinned() {
    Product first = CatalogGenerator.product(FakeProductsConfig.DEFAULT_CATALOG_SEED, 0);
    // Recorded values: a change here means every machine's default catalog changed (demos, fixtures, benchmarks).
    assertThat(first.id()).isEqualTo(UUID.fromString("db510669-a6b8-46b4-80d5-d015da6e0eb5"));
    assertThat(first.title()).isEqualTo("Liquidificador Mondial R3644 Jarra de Vidro Vermelho");
    assertThat(first.price()).isEqualTo(259.12);
    assertThat(first.reviewScore()).isNull();
    Product second = CatalogGenerator.product(FakeProductsConfig.DEFAULT_CATALOG_SEED, 1);
    assertThat(second.id()).isEqualTo(UUID.fromString("bd5d0ebc-1a18-4bd4-a329-a95c9126394f"));
    assertThat(second.reviewScore()).isEqualTo(3.455264);
  }

  @Test
  @DisplayName("ids are unique version-4 UUIDs; prices positive with at most two decimals; image names the id")
  void productShape() {
    List<Product> products = Catalog.generated(FakeProductsConfig.DEFAULT_CATALOG_SEED, 10_000).products();
    Set<UUID> ids = new HashSet<>();
    for (Product p : products) {
      assertThat(ids.add(p.id())).as("unique id %s", p.id()).isTrue();
      assertThat(p.id().version()).isEqualTo(4);
      assertThat(p.id().variant()).isEqualTo(2);
      assertThat(p.title()).isNotBlank();
      assertThat(p.brand()).isNotBlank();
      assertThat(p.image()).isEqualTo("http://challenge-api.luizalabs.com/images/" + p.id() + ".jpg");
      assertThat(p.price()).isPositive();
      assertThat(BigDecimal.valueOf(p.price()).stripTrailingZeros().scale()).isLessThanOrEqualTo(2);
      if (p.reviewScore() != null) {
        assertThat(p.reviewScore()).isBetween(1.0, 5.0);
      }
    }
    assertThat(products).anyMatch(p -> p.price() == Math.rint(p.price()));                  // like 1699.0
    assertThat(products).anyMatch(p -> Math.round(p.price() * 100) % 100 == 90);           // like 149.9
  }

  @Test
  @DisplayName("about 10% of products have no reviewScore, and their JSON has no such key (not null)")
  void reviewScoreAbsentOnSome() {
    List<Product> products = Catalog.generated(5L, 10_000).products();
    long without = products.stream().filter(p -> p.reviewScore() == null).count();
    assertThat(without).isBetween(800L, 1_200L);
    Product none = products.stream().filter(p -> p.reviewScore() == null).findFirst().orElseThrow();
    JsonObject json = none.toJson();
    assertThat(json.fieldNames()).containsExactly("id", "title", "brand", "image", "price");
    Product some = products.stream().filter(p -> p.reviewScore() != null).findFirst().orElseThrow();
    assertThat(some.toJson().fieldNames()).containsExactly("id", "title", "brand", "image", "price", "reviewScore");
  }

  @Test
  @DisplayName("pages hold 100 products in catalog order, the last page the rest, past the end nothing")
  void pages() {
    Catalog catalog = Catalog.generated(3L, 250);
    assertThat(catalog.pageCount()).isEqualTo(3);
    JsonObject last = catalog.page(3).toJsonObject();
    assertThat(last.getJsonObject("meta")).isEqualTo(new JsonObject().put("page_number", 3).put("page_size", 100));
    assertThat(last.getJsonArray("products")).hasSize(50);
    assertThat(last.getJsonArray("products").getJsonObject(49)).isEqualTo(catalog.products().get(249).toJson());
    assertThat(catalog.page(4)).isNull();
    assertThat(catalog.page(0)).isNull();
    assertThat(Catalog.generated(3L, 0).page(1).toJsonObject().getJsonArray("products")).isEmpty();
  }

  @Test
  @DisplayName("upsert replaces in place or appends; delete removes; pages follow")
  void upsertAndDelete() {
    Catalog catalog = Catalog.generated(3L, 100);
    Product first = catalog.products().get(0);
    Product cheaper = new Product(first.id(), first.title(), first.brand(), first.image(), 1.5, null);
    assertThat(catalog.upsert(cheaper)).isFalse();
    assertThat(catalog.page(1).toJsonObject().getJsonArray("products").getJsonObject(0)).isEqualTo(cheaper.toJson());
    Product added = new Product(UUID.randomUUID(), "new", "b", "i", 2.0, 4.0);
    assertThat(catalog.upsert(added)).isTrue();
    assertThat(catalog.pageCount()).isEqualTo(2);
    assertThat(catalog.page(2).toJsonObject().getJsonArray("products").getJsonObject(0)).isEqualTo(added.toJson());
    assertThat(catalog.delete(added.id().toString().toUpperCase())).isTrue();
    assertThat(catalog.delete(added.id().toString())).isFalse();
    assertThat(catalog.pageCount()).isEqualTo(1);
    assertThat(catalog.product(added.id().toString())).isNull();
  }

  @Test
  @DisplayName("a catalog file is read as a JSON array of products, and a bad one is refused with its index")
  void fromJson() {
    JsonArray array = new JsonArray()
        .add(new JsonObject().put("id", "7f2c4f28-3c2f-4f0c-9d3e-6a1d2b3c4d5e").put("title", "A").put("price", 10.5))
        .add(new JsonObject().put("id", "0e9bd7bb-1111-4a22-8b33-000000000002").put("title", "B").put("brand", "x")
            .put("image", "http://img/b.jpg").put("price", 1699.0).put("reviewScore", 4.5));
    Catalog catalog = Catalog.fromJson(array.toBuffer());
    assertThat(catalog.size()).isEqualTo(2);
    assertThat(catalog.product("7f2c4f28-3c2f-4f0c-9d3e-6a1d2b3c4d5e").image())
        .isEqualTo("http://challenge-api.luizalabs.com/images/7f2c4f28-3c2f-4f0c-9d3e-6a1d2b3c4d5e.jpg");
    assertThat(catalog.product("0e9bd7bb-1111-4a22-8b33-000000000002").reviewScore()).isEqualTo(4.5);

    array.add(new JsonObject().put("id", "nope").put("title", "C").put("price", 1));
    assertThatThrownBy(() -> Catalog.fromJson(array.toBuffer()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("element 2").hasMessageContaining("id");
    assertThatThrownBy(() -> Catalog.fromJson(Buffer.buffer("{\"not\":\"an array\"}")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
