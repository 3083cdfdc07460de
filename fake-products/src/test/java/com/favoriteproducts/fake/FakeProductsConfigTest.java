package com.favoriteproducts.fake;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FakeProductsConfigTest {

  @Test
  @DisplayName("defaults: port 8001, 10,000 products, seed 42, no file, admin off, no faults")
  void defaults() {
    FakeProductsConfig c = FakeProductsConfig.from(new JsonObject());
    assertThat(c).isEqualTo(new FakeProductsConfig(8001, 10_000, 42L, null, false, FaultSettings.NONE));
  }

  @Test
  @DisplayName("environment variables override the defaults, as strings; blank ones are ignored")
  void fromEnvironment() {
    JsonObject json = FakeProductsConfig.fromEnvironment(Map.of(
        "PORT", "9000", "CATALOG_SIZE", "50", "CATALOG_SEED", "-3", "CATALOG_FILE", " ",
        "ADMIN_ENABLED", "TRUE", "FAULT_LATENCY_MS", "20", "FAULT_FAILURE_RATE", "0.1", "FAULT_DOWN", "false",
        "HOME", "/root"));
    assertThat(json.fieldNames()).doesNotContain("HOME", "CATALOG_FILE");
    FakeProductsConfig c = FakeProductsConfig.from(json);
    assertThat(c).isEqualTo(new FakeProductsConfig(9000, 50, -3L, null, true, new FaultSettings(20, 0.1, false)));
  }

  @Test
  @DisplayName("invalid values are refused with the key in the message")
  void invalid() {
    assertThatThrownBy(() -> FakeProductsConfig.from(new JsonObject().put("PORT", "http")))
        .hasMessageContaining("PORT");
    assertThatThrownBy(() -> FakeProductsConfig.from(new JsonObject().put("CATALOG_SIZE", -1)))
        .hasMessageContaining("CATALOG_SIZE");
    assertThatThrownBy(() -> FakeProductsConfig.from(new JsonObject().put("ADMIN_ENABLED", "yes")))
        .hasMessageContaining("ADMIN_ENABLED");
    assertThatThrownBy(() -> FakeProductsConfig.from(new JsonObject().put("FAULT_LATENCY_MS", "-5")))
        .hasMessageContaining("FAULT_LATENCY_MS");
  }

  @Test
  @DisplayName("INSTANCES defaults to the number of cores")
  void instances() {
    assertThat(FakeProductsMain.instances(null)).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(FakeProductsMain.instances("3")).isEqualTo(3);
    assertThat(FakeProductsMain.instances("zero")).isEqualTo(Runtime.getRuntime().availableProcessors());
  }
}
