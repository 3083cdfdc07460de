package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("RabbitMQ settings: addresses, queue type, delivery limit")
class RabbitConfigTest {

  @Test
  @DisplayName("defaults: the one RABBITMQ_HOST:RABBITMQ_PORT, classic queues, delivery limit 20")
  void defaults() {
    RabbitConfig c = RabbitConfig.from(new JsonObject().put("RABBITMQ_HOST", "mq").put("RABBITMQ_PORT", 5673));
    assertThat(c.addresses()).containsExactly(new RabbitConfig.Endpoint("mq", 5673));
    assertThat(c.quorum()).isFalse();
    assertThat(c.deliveryLimit()).isEqualTo(20);
  }

  @Test
  @DisplayName("RABBITMQ_ADDRESSES replaces host and port, in its order; RABBITMQ_QUEUE_TYPE quorum in any case")
  void addressesAndQuorum() {
    RabbitConfig c = RabbitConfig.from(new JsonObject().put("RABBITMQ_HOST", "ignored")
      .put("RABBITMQ_ADDRESSES", " a:5672, b.example:5673 ,10.0.0.3:5674").put("RABBITMQ_QUEUE_TYPE", "Quorum")
      .put("RABBITMQ_DELIVERY_LIMIT", "5"));
    assertThat(c.addresses()).containsExactly(new RabbitConfig.Endpoint("a", 5672),
      new RabbitConfig.Endpoint("b.example", 5673), new RabbitConfig.Endpoint("10.0.0.3", 5674));
    assertThat(c.host()).isEqualTo("a");
    assertThat(c.quorum()).isTrue();
    assertThat(c.deliveryLimit()).isEqualTo(5);
    assertThat(c.options(c.addresses().get(1)).getPort()).isEqualTo(5673);
  }

  @Test
  @DisplayName("a malformed address, an unknown queue type or a delivery limit below 1 fails the start")
  void invalid() {
    for (String bad : List.of("a", "a:", "a:x", "a:0", "a:5672,,b:1", ":5672")) {
      assertThatThrownBy(() -> RabbitConfig.from(new JsonObject().put("RABBITMQ_ADDRESSES", bad)))
        .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RABBITMQ_ADDRESSES");
    }
    assertThatThrownBy(() -> RabbitConfig.from(new JsonObject().put("RABBITMQ_QUEUE_TYPE", "stream")))
      .hasMessageContaining("RABBITMQ_QUEUE_TYPE");
    assertThatThrownBy(() -> RabbitConfig.from(new JsonObject().put("RABBITMQ_DELIVERY_LIMIT", 0)))
      .hasMessageContaining("RABBITMQ_DELIVERY_LIMIT");
  }
}
