package com.favoriteproducts.bus;

import com.favoriteproducts.cluster.Nodes;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("bus failures are typed values: code, detail and field errors, on one node and across the cluster")
class BusFailureTest {

  @Test
  @DisplayName("the wire form keeps the code, the detail and every field error (with what precedes it in the buffer)")
  void wireRoundTrip() {
    BusFailure failure = new BusFailure(400, "the customer is invalid",
      List.of(new FieldError("/name", "must not be blank"), new FieldError("/email", "is not an email address")));
    Buffer buffer = Buffer.buffer("prefix");
    BusFailure.CODEC.encodeToWire(buffer, failure);
    BusFailure back = BusFailure.CODEC.decodeFromWire("prefix".length(), buffer);
    assertThat(back.code()).isEqualTo(400);
    assertThat(back.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(back.detail()).isEqualTo("the customer is invalid");
    assertThat(back.errors()).containsExactlyElementsOf(failure.errors());
    assertThat(new BusFailure(404, "customer x not found").errors()).isEmpty();
  }

  @Test
  @DisplayName("a handler's failure reaches a caller on another node as a BusFailure, fields included")
  void acrossNodes() {
    String cluster = "fp-failure-" + UUID.randomUUID().toString().substring(0, 8);
    int port = 26000 + ThreadLocalRandom.current().nextInt(0, 100) * 20;
    JsonObject config = new JsonObject().put("CLUSTER", true).put("CLUSTER_NAME", cluster).put("CLUSTER_PORT", port)
      .put("CLUSTER_MEMBERS", "127.0.0.1").put("EVENTBUS_HOST", "127.0.0.1").put("METRICS_ENABLED", false);
    Vertx server = await(Nodes.build(config));
    try {
      Vertx client = await(Nodes.build(config.copy()));
      try {
        String address = "test.failure." + UUID.randomUUID();
        BusHandlers handlers = new BusHandlers(server, LoggerFactory.getLogger(BusFailureTest.class),
          err -> new BusFailure(BusFailure.UNAVAILABLE, "unexpected"))
          .on(address, m -> switch (m.body().getString("case")) {
            case "invalid" -> throw BusFailure.invalid("invalid query", "limit", "must be between 1 and 100");
            case "missing" -> BusFailure.fail(BusFailure.NOT_FOUND, "customer 1 not found");
            case "shape" -> Future.succeededFuture(new JsonObject().put("n", m.body().getInteger("n")));
            default -> Future.failedFuture(new IllegalStateException("boom"));
          });
        await(handlers.ready());

        BusFailure invalid = failure(client, address, new JsonObject().put("case", "invalid"));
        assertThat(invalid.code()).isEqualTo(400);
        assertThat(invalid.detail()).isEqualTo("invalid query");
        assertThat(invalid.errors()).containsExactly(new FieldError("limit", "must be between 1 and 100"));

        BusFailure missing = failure(client, address, new JsonObject().put("case", "missing"));
        assertThat(missing.code()).isEqualTo(404);
        assertThat(missing.detail()).isEqualTo("customer 1 not found");
        assertThat(missing.errors()).isEmpty();

        BusFailure shape = failure(client, address, new JsonObject().put("case", "shape").put("n", "ten"));
        assertThat(shape.code()).as("a body of the wrong shape").isEqualTo(400);
        assertThat(shape.errors()).extracting(FieldError::field).containsExactly("body");

        BusFailure unexpected = failure(client, address, new JsonObject().put("case", "other"));
        assertThat(unexpected.code()).isEqualTo(503);
        assertThat(unexpected.detail()).isEqualTo("unexpected");
      } finally {
        await(client.close());
      }
    } finally {
      await(server.close());
    }
  }

  private static BusFailure failure(Vertx vertx, String address, JsonObject body) {
    Object result = TestApp.await(vertx.eventBus().request(address, body).<Object>map(m -> m).otherwise(err -> err));
    assertThat(result).isInstanceOf(ReplyException.class).isInstanceOf(BusFailure.class);
    return (BusFailure) result;
  }
}
