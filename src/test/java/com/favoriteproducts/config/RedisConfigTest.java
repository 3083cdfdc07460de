package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("REDIS_* configuration")
class RedisConfigTest {

  @Test
  @DisplayName("standalone by default: one endpoint with the database")
  void standalone() {
    RedisConfig c = RedisConfig.from(new JsonObject().put("REDIS_PORT", 6380).put("REDIS_DB", 3));
    assertThat(c.cluster()).isFalse();
    RedisOptions o = c.options();
    assertThat(o.getType()).isEqualTo(RedisClientType.STANDALONE);
    assertThat(o.getEndpoints()).containsExactly("redis://127.0.0.1:6380/3");
  }

  @Test
  @DisplayName("cluster: every seed an endpoint (with the password), masters only")
  void cluster() {
    RedisOptions o = RedisConfig.from(new JsonObject().put("REDIS_MODE", "cluster")
      .put("REDIS_NODES", " a:7000, b:7001 ,").put("REDIS_PASSWORD", "p w")).options();
    assertThat(o.getType()).isEqualTo(RedisClientType.CLUSTER);
    assertThat(o.getUseReplicas()).isEqualTo(RedisReplicas.NEVER);
    assertThat(o.getEndpoints()).containsExactly("redis://:p+w@a:7000", "redis://:p+w@b:7001");
  }

  @Test
  @DisplayName("start-up errors: unknown mode, cluster without nodes, a node without a port, a database other than 0")
  void errors() {
    assertThatThrownBy(() -> RedisConfig.from(new JsonObject().put("REDIS_MODE", "sentinel")))
      .hasMessageContaining("REDIS_MODE");
    assertThatThrownBy(() -> RedisConfig.from(new JsonObject().put("REDIS_MODE", "cluster")))
      .hasMessageContaining("REDIS_NODES");
    assertThatThrownBy(() -> RedisConfig.from(new JsonObject().put("REDIS_MODE", "cluster").put("REDIS_NODES", "a")))
      .hasMessageContaining("host:port");
    assertThatThrownBy(() -> RedisConfig.from(new JsonObject().put("REDIS_MODE", "cluster").put("REDIS_NODES", "a:1")
      .put("REDIS_DB", 8))).hasMessageContaining("REDIS_DB");
  }
}
