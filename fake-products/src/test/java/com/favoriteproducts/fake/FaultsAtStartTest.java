package com.favoriteproducts.fake;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Faults configured at start, as the FAULT_* environment variables (string values) would set them. */
class FaultsAtStartTest extends FakeProductsTestBase {

  @Override
  JsonObject config() {
    return super.config().put("FAULT_DOWN", "true").put("FAULT_LATENCY_MS", "5").put("FAULT_FAILURE_RATE", "0.2");
  }

  @Test
  @DisplayName("FAULT_* settings in the config apply from the start, and can be lifted at run time")
  void faultsFromConfig() {
    String uri = productUri(CatalogGenerator.product(SEED, 0).id());
    assertThat(get(uri).statusCode()).isEqualTo(503);
    assertThat(get("/__admin/faults").bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("latencyMs", 5).put("failureRate", 0.2).put("down", true));
    setFaults(new JsonObject().put("down", false).put("failureRate", 0));
    assertThat(get(uri).statusCode()).isEqualTo(200);
  }
}
