package com.favoriteproducts.fake;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AdminDisabledTest extends FakeProductsTestBase {

  @Override
  JsonObject config() {
    return super.config().put(FakeProductsConfig.ADMIN_ENABLED, false);
  }

  @Test
  @DisplayName("with ADMIN_ENABLED false every admin route answers 404 and changes nothing")
  void adminRoutesOff() {
    Product first = CatalogGenerator.product(SEED, 0);
    assertThat(get("/__admin/faults").statusCode()).isEqualTo(404);
    assertThat(setFaults(new JsonObject().put("down", true)).statusCode()).isEqualTo(404);
    assertThat(get("/__admin/stats").statusCode()).isEqualTo(404);
    assertThat(post("/__admin/stats/reset", new JsonObject()).statusCode()).isEqualTo(404);
    assertThat(post("/__admin/products", first.toJson().put("price", 1.0)).statusCode()).isEqualTo(404);
    assertThat(delete("/__admin/products/" + first.id()).statusCode()).isEqualTo(404);

    assertThat(get(productUri(first.id())).bodyAsJsonObject()).isEqualTo(first.toJson());
  }

  @Test
  @DisplayName("admin routes are off when the config does not mention ADMIN_ENABLED")
  void offByDefault() {
    assertThat(FakeProductsConfig.from(new JsonObject()).adminEnabled()).isFalse();
  }
}
