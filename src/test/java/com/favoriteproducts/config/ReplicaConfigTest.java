package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("PG_READ_* settings")
class ReplicaConfigTest {

  @Test
  @DisplayName("empty PG_READ_HOSTS (the default): no replica; defaults 10000 ms lag, 1000 ms checks, 100000 pins")
  void defaults() {
    ReplicaConfig c = ReplicaConfig.from(new JsonObject());
    assertThat(c.enabled()).isFalse();
    assertThat(c.maxLagMs()).isEqualTo(10_000);
    assertThat(c.checkIntervalMs()).isEqualTo(1000);
    assertThat(c.pinsMax()).isEqualTo(100_000);
    assertThat(ReplicaConfig.from(new JsonObject().put("PG_READ_HOSTS", " , ")).enabled()).isFalse();
  }

  @Test
  @DisplayName("a comma list of host:port, spaces allowed")
  void hosts() {
    ReplicaConfig c = ReplicaConfig.from(new JsonObject().put("PG_READ_HOSTS", "replica-1:5432, 10.0.0.7:6432"));
    assertThat(c.hosts()).containsExactly(new ReplicaConfig.Endpoint("replica-1", 5432),
      new ReplicaConfig.Endpoint("10.0.0.7", 6432));
    assertThat(c.hosts().stream().map(Object::toString).toList()).isEqualTo(List.of("replica-1:5432", "10.0.0.7:6432"));
  }

  @Test
  @DisplayName("a host without a port, a bad port, or a non-positive bound is a start-up error naming the key")
  void invalid() {
    for (String bad : List.of("replica-1", "replica-1:", ":5432", "replica-1:0", "replica-1:99999", "replica-1:x")) {
      assertThatThrownBy(() -> ReplicaConfig.from(new JsonObject().put("PG_READ_HOSTS", bad)))
        .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PG_READ_HOSTS");
    }
    assertThatThrownBy(() -> ReplicaConfig.from(new JsonObject().put("PG_READ_MAX_LAG_MS", 0)))
      .hasMessageContaining("PG_READ_MAX_LAG_MS");
  }
}
