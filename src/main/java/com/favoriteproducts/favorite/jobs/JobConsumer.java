package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.favorite.Batcher;
import com.favoriteproducts.favorite.Job;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The consumer of the work queue (prefetch JOBS_PREFETCH, manual ack after the database commit). Deliveries are
 * handled in batches, one batch at a time: what arrives while a batch is being handled is the next batch. Idle, a batch
 * is one delivery (no added latency); busy, batches grow up to the prefetch, and a batch costs about what one job used
 * to: one attempt of all its jobs ({@link JobStore#attemptAll}) and one acknowledgement (multiple) for all of them.
 */
final class JobConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(JobConsumer.class);
  private static final long REQUEUE_DELAY_MS = 1000;

  private final Vertx vertx;
  private final RabbitConnection rabbit;
  private final RabbitTopology topology;
  private final JobStore store;
  private final Batcher<Delivery> deliveries = Batcher.whileBusy(1, Integer.MAX_VALUE, this::handle);

  /** A delivery and the jobs it carries (one, or several when published together). */
  private record Delivery(RabbitMQClient client, RabbitMQMessage msg, List<Job> jobs) {
  }

  JobConsumer(Vertx vertx, RabbitConnection rabbit, RabbitTopology topology, JobStore store) {
    this.vertx = vertx;
    this.rabbit = rabbit;
    this.topology = topology;
    this.store = store;
  }

  /** Starts consuming on a new connection. */
  Future<Void> consume(RabbitMQClient client) {
    return client.basicConsumer(topology.workQueue(), new QueueOptions().setAutoAck(false)).map(consumer -> {
      consumer.exceptionHandler(err -> LOG.warn("consumer error: {}", err.getMessage()));
      consumer.handler(msg -> process(client, msg));
      return null;
    });
  }

  private void process(RabbitMQClient client, RabbitMQMessage msg) {
    List<Job> carried;
    try {
      carried = Job.parseAll(msg.body().toJsonObject());
    } catch (RuntimeException e) {
      carried = null;
    }
    if (carried == null) {
      // Its size, not its body: a foreign message may hold anything (an email, a token).
      LOG.warn("dead-lettering a message that is not a job ({} bytes)", msg.body() == null ? 0 : msg.body().length());
      rabbit.nack(client, msg, false);
      return;
    }
    deliveries.add(new Delivery(client, msg, carried));
  }

  /** Handles a batch; every delivery in it is acknowledged or requeued before the returned future completes. */
  private Future<Void> handle(List<Delivery> batch) {
    Map<UUID, Job> byId = new LinkedHashMap<>();
    for (Delivery d : batch) {
      for (Job j : d.jobs()) {
        byId.putIfAbsent(j.id(), j);
      }
    }
    return store.attemptAll(new ArrayList<>(byId.keySet()))
      .compose(v -> ack(batch))
      .recover(err -> {
        LOG.warn("{} jobs could not be recorded ({}); redelivering in {} ms", byId.size(), err.getMessage(),
          REQUEUE_DELAY_MS);
        Promise<Void> later = Promise.promise();
        vertx.setTimer(REQUEUE_DELAY_MS, t -> {
          batch.forEach(d -> rabbit.nack(d.client(), d.msg(), true));
          later.complete();
        });
        return later.future();
      });
  }

  /** One acknowledgement per connection: every earlier delivery of this consumer is settled already. */
  private Future<Void> ack(List<Delivery> batch) {
    Map<RabbitMQClient, RabbitMQMessage> last = new IdentityHashMap<>();
    for (Delivery d : batch) {
      last.merge(d.client(), d.msg(), (a, b) ->
        b.envelope().getDeliveryTag() > a.envelope().getDeliveryTag() ? b : a);
    }
    return Future.all(last.entrySet().stream().map(e -> rabbit.ackUpTo(e.getKey(), e.getValue())).toList()).mapEmpty();
  }
}
