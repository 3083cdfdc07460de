package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("job and product data settings")
class JobsConfigTest {

  @Test
  @DisplayName("defaults: synchronous commit on, 3 attempts for an unstorable product, retention every 10 min in"
    + " statements of 5,000 with 50 ms between them; titles of 1,000 and URLs of 2,048 characters")
  void defaults() {
    JobsConfig cfg = JobsConfig.from(new JsonObject());
    assertThat(cfg.synchronousCommit()).isEqualTo("on");
    assertThat(cfg.invalidProductMaxAttempts()).isEqualTo(3);
    assertThat(cfg.retentionIntervalMs()).isEqualTo(600_000);
    assertThat(cfg.retentionBatchSize()).isEqualTo(5000);
    assertThat(cfg.retentionPauseMs()).isEqualTo(50);
    ProductDataConfig data = ProductDataConfig.from(new JsonObject());
    assertThat(data.maxTextLength()).isEqualTo(1000);
    assertThat(data.maxUrlLength()).isEqualTo(2048);
  }

  @Test
  @DisplayName("JOBS_SYNCHRONOUS_COMMIT takes PostgreSQL's values (off for the trade-off); anything else fails the"
    + " start")
  void synchronousCommit() {
    assertThat(JobsConfig.from(new JsonObject().put("JOBS_SYNCHRONOUS_COMMIT", " OFF ")).synchronousCommit())
      .isEqualTo("off");
    assertThat(JobsConfig.from(new JsonObject().put("JOBS_SYNCHRONOUS_COMMIT", "local")).synchronousCommit())
      .isEqualTo("local");
    assertThatThrownBy(() -> JobsConfig.from(new JsonObject().put("JOBS_SYNCHRONOUS_COMMIT", "maybe")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JOBS_SYNCHRONOUS_COMMIT");
  }

  @Test
  @DisplayName("bounds out of range fail the start, naming the key")
  void outOfRange() {
    for (String key : new String[]{"JOBS_INVALID_PRODUCT_MAX_ATTEMPTS", "JOBS_RETENTION_BATCH_SIZE"}) {
      assertThatThrownBy(() -> JobsConfig.from(new JsonObject().put(key, 0))).hasMessageContaining(key);
    }
    assertThatThrownBy(() -> JobsConfig.from(new JsonObject().put("JOBS_RETENTION_PAUSE_MS", -1)))
      .hasMessageContaining("JOBS_RETENTION_PAUSE_MS");
    assertThatThrownBy(() -> ProductDataConfig.from(new JsonObject().put("PRODUCTS_MAX_TEXT_LENGTH", 0)))
      .hasMessageContaining("PRODUCTS_MAX_TEXT_LENGTH");
  }
}
