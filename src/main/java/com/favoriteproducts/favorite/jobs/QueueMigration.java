package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.config.RabbitConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a classic topology to the quorum one of the same prefix (RABBITMQ_QUEUE_TYPE switched from classic to
 * quorum), without losing a message. It runs after every connection of a quorum worker, on a connection of its own
 * (an error here, e.g. a legacy queue declared with other arguments, closes only that channel, never the worker's):
 * <ol>
 *   <li>the classic {@code <p>.work} and {@code <p>.dead} queues are both unbound from their exchanges (nothing new
 *   reaches them, not even a moved message dead-lettered meanwhile), then emptied one message at a time into the work / dead-letter exchange (now routed to the quorum
 *   queues), each acknowledged only once the broker confirmed its copy (a crash in between duplicates, never loses:
 *   the worker's store is idempotent by job id);</li>
 *   <li>the classic retry queues are left to expire: they already dead-letter to the work exchange, so each message
 *   reaches the quorum work queue after its delay;</li>
 *   <li>each classic queue is deleted once it holds no message and has no consumer (a node still on the classic
 *   type keeps its queues alive until it is switched too).</li>
 * </ol>
 * Declaring a classic queue with its known arguments is how its counts are read; on a fresh installation that
 * creates and deletes the empty queue at once. Jobs are durable in PostgreSQL anyway: a message lost in the broker is
 * republished by the sweeper after JOBS_STALE_AFTER_MS.
 */
final class QueueMigration {

  private static final Logger LOG = LoggerFactory.getLogger(QueueMigration.class);
  private static final long CONFIRM_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final RabbitConfig config;
  private final RabbitTopology quorum;
  private final RabbitTopology classic;
  private boolean running;

  QueueMigration(Vertx vertx, RabbitConfig config, RabbitTopology quorum) {
    this.vertx = vertx;
    this.config = config;
    this.quorum = quorum;
    this.classic = quorum.classic();
  }

  /** Runs the migration against {@code endpoint}; never fails (logs), completes with the messages moved. */
  Future<Integer> run(RabbitConfig.Endpoint endpoint) {
    if (!quorum.quorum() || running) {
      return Future.succeededFuture(0);
    }
    running = true;
    RabbitMQClient c = RabbitMQClient.create(vertx, config.options(endpoint).setConnectionName("favorite-products-migration"));
    int[] moved = {0};
    return c.start()
      .compose(v -> c.confirmSelect())
      // Both unbound before anything moves: a moved job dead-lettered meanwhile must not land in the classic queue too.
      .compose(v -> unbind(c, classic.workQueue(), classic.workArgs(), classic.workExchange(), RabbitTopology.ROUTING_KEY))
      .compose(v -> unbind(c, classic.deadQueue(), classic.deadArgs(), classic.deadExchange(), ""))
      .compose(v -> move(c, classic.workQueue(), quorum.workExchange(), RabbitTopology.ROUTING_KEY, moved))
      .compose(v -> deleteIfDrained(c, classic.workQueue(), classic.workArgs()))
      .compose(v -> move(c, classic.deadQueue(), quorum.deadExchange(), "", moved))
      .compose(v -> deleteIfDrained(c, classic.deadQueue(), classic.deadArgs()))
      .compose(v -> {
        Future<Void> f = Future.succeededFuture();
        for (long d : classic.delays()) {
          f = f.compose(x -> deleteIfDrained(c, classic.retryQueue(d), classic.retryArgs(d)));
        }
        return f;
      })
      .map(v -> {
        if (moved[0] > 0) {
          LOG.info("moved {} messages from the classic queues of {}.* to its quorum queues", moved[0], quorum.prefix());
        }
        return moved[0];
      })
      .recover(err -> {
        LOG.warn("classic to quorum migration of {}.* not finished ({}; {} messages moved); the classic queues stay as "
          + "they are and the next connection tries again", quorum.prefix(), err.getMessage(), moved[0]);
        return Future.succeededFuture(moved[0]);
      })
      .eventually(() -> c.stop().otherwiseEmpty())
      .onComplete(ar -> running = false);
  }

  private static Future<Void> unbind(RabbitMQClient c, String queue, JsonObject args, String exchange,
                                     String routingKey) {
    return c.queueDeclare(queue, true, false, false, args).compose(ok -> c.queueUnbind(queue, exchange, routingKey));
  }

  private Future<Void> move(RabbitMQClient c, String queue, String toExchange, String routingKey, int[] moved) {
    return c.basicGet(queue, false).compose(m -> m == null ? Future.succeededFuture()
      : republish(c, m, toExchange, routingKey)
        .compose(v -> c.basicAck(m.envelope().getDeliveryTag(), false))
        .compose(v -> {
          moved[0]++;
          return move(c, queue, toExchange, routingKey, moved);
        }));
  }

  private static Future<Void> republish(RabbitMQClient c, RabbitMQMessage m, String exchange, String routingKey) {
    return c.basicPublish(exchange, routingKey, m.properties(), m.body())
      .compose(v -> c.waitForConfirms(CONFIRM_TIMEOUT_MS));
  }

  private static Future<Void> deleteIfDrained(RabbitMQClient c, String queue, JsonObject args) {
    return c.queueDeclare(queue, true, false, false, args).compose(ok -> ok.getMessageCount() == 0
      && ok.getConsumerCount() == 0 ? c.queueDelete(queue).mapEmpty() : Future.<Void>succeededFuture());
  }
}
