package com.favoriteproducts.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.favoriteproducts.cluster.Nodes;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The context fields of {@link JsonLayout}: the request id over the event bus, and the node id of a cluster member. */
@DisplayName("log context: request id across an event-bus hop, node id of a clustered Vert.x")
class LogContextTest {

  private static JsonObject line(String message) {
    return new JsonObject(new JsonLayout().doLayout(new LoggingEvent("x", (Logger) LoggerFactory.getLogger("t"),
      Level.INFO, message, null, null)));
  }

  @Test
  @DisplayName("an id put on a request's context reaches the consumer's context through x-request-id; not the"
    + " event loop's own context, nor a request sent without it")
  void requestIdOverTheBus() {
    Vertx vertx = await(Nodes.build(new JsonObject().put("METRICS_ENABLED", false)));
    try {
      vertx.eventBus().<String>consumer("log-test", m -> {
        String seen = line("in consumer").getString("requestId");
        m.reply(seen == null ? "(none)" : seen);
      });
      String id = "req-" + UUID.randomUUID();
      Promise<String> with = Promise.promise();
      Promise<String> without = Promise.promise();
      ContextInternal base = (ContextInternal) vertx.getOrCreateContext();
      base.runOnContext(v -> {
        LogContext.putRequestId("ignored-on-a-shared-context");
        assertThat(LogContext.requestId()).isNull();
        base.duplicate().runOnContext(x -> {
          LogContext.putRequestId(id);
          assertThat(line("on the request").getString("requestId")).isEqualTo(id);
          vertx.eventBus().<String>request("log-test", "hi", LogContext.withRequestId(new DeliveryOptions()))
            .map(m -> m.body()).onComplete(with);
        });
        base.duplicate().runOnContext(x -> vertx.eventBus().<String>request("log-test", "hi",
          LogContext.withRequestId(new DeliveryOptions())).map(m -> m.body()).onComplete(without));
      });
      assertThat(await(with.future())).isEqualTo(id);
      assertThat(await(without.future())).isEqualTo("(none)");
    } finally {
      await(vertx.close());
    }
  }

  @Test
  @DisplayName("a clustered Vert.x's lines carry its Hazelcast node id; a standalone one's the process id")
  void nodeId() {
    Vertx standalone = await(Nodes.build(new JsonObject().put("METRICS_ENABLED", false)));
    JsonObject config = new JsonObject().put("CLUSTER", true)
      .put("CLUSTER_NAME", "fp-log-" + UUID.randomUUID().toString().substring(0, 8))
      .put("CLUSTER_PORT", TestApp.freePort()).put("CLUSTER_HOST", "127.0.0.1").put("CLUSTER_MEMBERS", "127.0.0.1")
      .put("EVENTBUS_HOST", "127.0.0.1").put("METRICS_ENABLED", false);
    Vertx clustered = await(Nodes.build(config));
    try {
      String nodeId = Nodes.clusterManager(clustered).getNodeId();
      Promise<String> onCluster = Promise.promise();
      clustered.runOnContext(v -> onCluster.complete(line("clustered").getString("node")));
      Promise<String> onStandalone = Promise.promise();
      standalone.runOnContext(v -> onStandalone.complete(line("standalone").getString("node")));
      assertThat(await(onCluster.future())).isEqualTo(nodeId);
      assertThat(await(onStandalone.future())).isEqualTo(JsonLayout.processNode()).contains("@");
    } finally {
      await(clustered.close());
      await(standalone.close());
    }
  }
}
