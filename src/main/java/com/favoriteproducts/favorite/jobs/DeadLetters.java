package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.bus.Fields;
import com.favoriteproducts.bus.Paging;
import com.favoriteproducts.db.Pins;
import com.favoriteproducts.db.ReadPools;
import com.favoriteproducts.favorite.JobRepository;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead jobs for operators: {@code jobs.dead.list} and {@code jobs.dead.replay}. The database is the record of what is
 * dead; the dead-letter queue mirrors it for RabbitMQ tooling.
 */
final class DeadLetters {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
  /** The most dead-letter messages one replay drains. */
  private static final int MAX_DRAINED = 100_000;

  private final JobRepository jobs;
  private final ReadPools reads;
  private final RabbitConnection rabbit;
  private final RabbitTopology topology;
  private final JobPublisher publisher;

  DeadLetters(JobRepository jobs, ReadPools reads, RabbitConnection rabbit, RabbitTopology topology,
              JobPublisher publisher) {
    this.jobs = jobs;
    this.reads = reads;
    this.rabbit = rabbit;
    this.topology = topology;
    this.publisher = publisher;
  }

  /** The dead jobs, oldest first, and how many messages the dead-letter queue holds (null when RabbitMQ is down). */
  Future<JsonObject> list(Message<JsonObject> msg) {
    int limit = Paging.deadLimit(Fields.body(msg));
    RabbitMQClient c = rabbit.client();
    Future<Long> queued = c == null ? Future.succeededFuture(null)
      : c.messageCount(topology.deadQueue()).otherwise((Long) null);
    return reads.read(Pins.DEAD_JOBS, p -> new JobRepository(p).listDead(limit)).compose(list -> queued.map(n -> {
      JsonArray items = new JsonArray();
      list.forEach(j -> items.add(j.toJson()));
      return new JsonObject().put("items", items).put("queued", n);
    }));
  }

  /** Puts the dead jobs back: pending again with attempts reset, published to the work queue, the queue drained. */
  Future<JsonObject> replay() {
    RabbitMQClient c = rabbit.client();
    if (c == null) {
      return BusFailure.fail(BusFailure.UNAVAILABLE, "RabbitMQ is not connected; replay later");
    }
    return jobs.revive().onSuccess(list -> reads.changed(Pins.DEAD_JOBS)).compose(list -> publisher.publish(list).compose(published -> drain(c, 0).map(drained -> {
      LOG.info("replayed {} dead jobs ({} published now, the rest by the sweeper); drained {} dead-letter messages",
        list.size(), published, drained);
      return new JsonObject().put("replayed", list.size()).put("drained", drained);
    })));
  }

  private Future<Integer> drain(RabbitMQClient c, int n) {
    if (n >= MAX_DRAINED) {
      return Future.succeededFuture(n);
    }
    return c.basicGet(topology.deadQueue(), true).compose(m -> m == null ? Future.succeededFuture(n) : drain(c, n + 1));
  }
}
