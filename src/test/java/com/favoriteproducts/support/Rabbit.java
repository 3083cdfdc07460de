package com.favoriteproducts.support;

import com.favoriteproducts.config.JobsConfig;
import com.favoriteproducts.config.RabbitConfig;
import com.favoriteproducts.favorite.jobs.RabbitTopology;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;

import static com.favoriteproducts.support.TestApp.await;

/** A plain RabbitMQ client on the test broker, for tests that publish directly, and the test topology's clean-up. */
public final class Rabbit {

  private Rabbit() {
  }

  /**
   * A started client with the app's connection settings (stop it when done): the first of RABBITMQ_ADDRESSES that
   * answers, as the service picks it.
   */
  public static RabbitMQClient client(Vertx vertx, JsonObject config) {
    RabbitConfig rc = RabbitConfig.from(config);
    RuntimeException last = null;
    for (RabbitConfig.Endpoint e : rc.addresses()) {
      RabbitMQClient c = RabbitMQClient.create(vertx, rc.options(e));
      try {
        await(c.start());
        return c;
      } catch (RuntimeException | AssertionError err) {
        last = err instanceof RuntimeException r ? r : new IllegalStateException(err);
      }
    }
    throw last;
  }

  public static RabbitTopology topology(JsonObject config) {
    RabbitConfig rc = RabbitConfig.from(config);
    return new RabbitTopology(rc.queuePrefix(), JobsConfig.from(config).retryDelaysMs(), rc.quorum(), rc.deliveryLimit());
  }

  /** Deletes the queues and exchanges of the config's prefix; best effort (the broker may be the unreachable one). */
  public static void deleteTopology(Vertx vertx, JsonObject config) {
    try {
      RabbitMQClient c = client(vertx, config);
      try {
        await(topology(config).delete(c));
      } finally {
        await(c.stop());
      }
    } catch (AssertionError | RuntimeException e) {
      // the broker of this config is unreachable (a test pointed it at a closed port): nothing was declared there
    }
  }
}
