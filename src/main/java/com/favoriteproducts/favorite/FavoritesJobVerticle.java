package com.favoriteproducts.favorite;

import com.favoriteproducts.Addresses;
import com.favoriteproducts.BusHandlers;
import com.favoriteproducts.DomainException;
import com.favoriteproducts.Failures;
import com.favoriteproducts.config.JobsConfig;
import com.favoriteproducts.config.PgConfig;
import com.favoriteproducts.config.RabbitConfig;
import com.favoriteproducts.metrics.AppMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The add-job worker (VERTICLES=favorites-jobs). Owns the RabbitMQ connection: publishes jobs with confirms,
 * consumes the work queue (prefetch JOBS_PREFETCH, manual ack after the database commit), schedules retries through
 * the per-delay TTL queues, dead-letters jobs out of attempts, republishes jobs RabbitMQ never confirmed (the sweeper),
 * replays dead jobs for operators, and relays favorites events to the {@code <prefix>.events} fanout exchange.
 *
 * <p>One attempt: read the job (gone or finished: ack), {@code products.get}, then in one transaction holding the
 * customer row store the favorite with its product snapshot (INSERT ... ON CONFLICT DO NOTHING, so a redelivery is
 * harmless) and mark the job done. Not found: failed {@code product_not_found}, no retry. Product service unavailable
 * (503, timeout, breaker open, not deployed): retry later, after the configured delays, dead after JOBS_MAX_ATTEMPTS.
 */
public class FavoritesJobVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FavoritesJobVerticle.class);
  private static final int SWEEP_BATCH = 500;
  private static final long RETENTION_INTERVAL_MS = 3_600_000;
  private static final long REQUEUE_DELAY_MS = 1000;

  private JobsConfig cfg;
  private RabbitTopology topology;
  private RabbitConnection rabbit;
  private Pool pool;
  private JobRepository jobs;
  private DeliveryOptions productOptions;
  private JobMetrics metrics;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private final List<UUID> confirmed = new ArrayList<>();
  private boolean sweeping;
  private long sweepTimer = -1;
  private long retentionTimer = -1;

  @Override
  public Future<?> start() {
    cfg = JobsConfig.from(config());
    RabbitConfig rabbitConfig = RabbitConfig.from(config());
    PgConfig pg = PgConfig.from(config());
    pool = PgBuilder.pool().with(pg.poolOptions("favorites-jobs-" + UUID.randomUUID())).connectingTo(pg.connectOptions())
      .using(vertx).build();
    jobs = new JobRepository(pool);
    productOptions = new DeliveryOptions().setSendTimeout(cfg.productTimeoutMs());
    metrics = new JobMetrics(AppMetrics.from(config()));
    topology = new RabbitTopology(rabbitConfig.queuePrefix(), cfg.retryDelaysMs());
    rabbit = new RabbitConnection(vertx, rabbitConfig, topology, cfg.prefetch(), this::consume, this::sweep);

    EventBus bus = vertx.eventBus();
    register(bus, Addresses.JOBS_PUBLISH, this::publishRequested);
    register(bus, Addresses.JOBS_DEAD_LIST, this::listDead);
    register(bus, Addresses.JOBS_DEAD_REPLAY, this::replay);
    register(bus, Addresses.JOBS_HEALTH, m -> Future.succeededFuture(new JsonObject()
      .put("status", rabbit.connected() ? "UP" : "DOWN")));
    register(bus, Addresses.FAVORITES_EVENTS_RELAY, m -> relay(m.body()).map(v -> null));
    // Waits for the first connection attempt only (a few seconds at most), so a node starting with RabbitMQ up is
    // ready at once, and one starting without it still starts: adds are durable in PostgreSQL meanwhile.
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).compose(v -> rabbit.start()).onSuccess(v -> {
      sweepTimer = vertx.setPeriodic(cfg.sweepIntervalMs(), t -> sweep());
      retentionTimer = vertx.setPeriodic(RETENTION_INTERVAL_MS, t -> jobs.deleteFinished(cfg.retentionHours())
        .onSuccess(n -> LOG.info("deleted {} finished jobs older than {} h", n, cfg.retentionHours())));
      LOG.info("add jobs: {} attempts over about {} min, prefetch {}", cfg.maxAttempts(),
        cfg.retryWindowMs() / 60_000, cfg.prefetch());
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(retentionTimer);
    return BusHandlers.drain(vertx, consumers, config())
      .eventually(() -> rabbit == null ? Future.succeededFuture() : rabbit.close())
      .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  private void register(EventBus bus, String address, Function<Message<JsonObject>, Future<JsonObject>> handler) {
    BusHandlers.register(bus, consumers, address, LOG, handler,
      err -> new DomainException(Failures.UNAVAILABLE, "the job store or RabbitMQ is unavailable"));
  }

  // --- publishing --------------------------------------------------------------------------------------------------

  /** jobs.publish: a job the favorites verticle has just stored; when RabbitMQ is down the sweeper publishes it later. */
  private Future<JsonObject> publishRequested(Message<JsonObject> msg) {
    Job job = parse(msg.body());
    if (job == null || !rabbit.connected()) {
      return Future.succeededFuture(new JsonObject().put("published", false));
    }
    return publishWork(job.message()).map(v -> {
      markPublished(job.id());
      return new JsonObject().put("published", true);
    }).otherwise(err -> new JsonObject().put("published", false));
  }

  private Future<Void> publishWork(JsonObject message) {
    return rabbit.publish(topology.workExchange(), RabbitTopology.ROUTING_KEY,
      RabbitConnection.persistentJson(message.getString("jobId"), null), message.toBuffer());
  }

  /** Batches the "RabbitMQ has it" marks: one UPDATE per event-loop turn rather than one per job. */
  private void markPublished(UUID id) {
    confirmed.add(id);
    if (confirmed.size() == 1) {
      vertx.runOnContext(v -> {
        List<UUID> ids = new ArrayList<>(confirmed);
        confirmed.clear();
        jobs.markPublished(ids).onFailure(err -> LOG.warn("could not mark {} jobs published ({}); the sweeper will"
          + " publish them again", ids.size(), err.getMessage()));
      });
    }
  }

  /** Republishes jobs left unconfirmed or long overdue; runs periodically and right after (re)connecting. */
  private void sweep() {
    if (sweeping || !rabbit.connected()) {
      return;
    }
    sweeping = true;
    jobs.claimForRepublish(cfg.unpublishedAfterMs(), cfg.staleAfterMs(), SWEEP_BATCH)
      .compose(list -> {
        if (!list.isEmpty()) {
          LOG.info("sweeper: publishing {} pending jobs again", list.size());
        }
        return publishAll(list).map(n -> {
          metrics.republished(n);
          return list.size();
        });
      })
      .onComplete(ar -> {
        sweeping = false;
        if (ar.failed()) {
          LOG.warn("sweeper failed: {}", ar.cause().getMessage());
        } else if (ar.result() == SWEEP_BATCH) {
          vertx.runOnContext(v -> sweep());
        }
      });
  }

  private Future<Integer> publishAll(List<Job> list) {
    List<Future<Void>> sent = new ArrayList<>();
    for (Job j : list) {
      sent.add(publishWork(j.message()).onSuccess(v -> markPublished(j.id())));
    }
    return Future.join(sent).transform(ar -> Future.succeededFuture((int) sent.stream().filter(Future::succeeded).count()));
  }

  // --- consuming ---------------------------------------------------------------------------------------------------

  private Future<Void> consume(RabbitMQClient client) {
    return client.basicConsumer(topology.workQueue(), new QueueOptions().setAutoAck(false)).map(consumer -> {
      consumer.exceptionHandler(err -> LOG.warn("consumer error: {}", err.getMessage()));
      consumer.handler(msg -> process(client, msg));
      return null;
    });
  }

  private void process(RabbitMQClient client, RabbitMQMessage msg) {
    JsonObject body;
    Job job;
    try {
      body = msg.body().toJsonObject();
      job = parse(body);
    } catch (RuntimeException e) {
      body = null;
      job = null;
    }
    if (job == null) {
      LOG.warn("dead-lettering a message that is not a job: {}", msg.body());
      rabbit.nack(client, msg, false);
      return;
    }
    int attempt = body.getInteger("attempt", 0) + 1;
    Job j = job;
    attempt(j, attempt)
      .compose(v -> rabbit.ack(client, msg))
      .onFailure(err -> {
        LOG.warn("job {} attempt {} could not be recorded ({}); redelivering in {} ms", j.id(), attempt,
          err.getMessage(), REQUEUE_DELAY_MS);
        vertx.setTimer(REQUEUE_DELAY_MS, t -> rabbit.nack(client, msg, true));
      });
  }

  private Future<Void> attempt(Job msgJob, int attempt) {
    return jobs.find(msgJob.id()).compose(job -> {
      if (job == null || !job.pending()) {
        return Future.succeededFuture(); // gone with its customer, or already finished (a redelivery): just ack
      }
      return vertx.eventBus().<JsonObject>request(Addresses.PRODUCTS_GET,
          new JsonObject().put("id", job.productId().toString()), productOptions)
        .transform(ar -> {
          if (ar.succeeded()) {
            return store(job, ar.result().body(), attempt);
          }
          int code = ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
            ? re.failureCode() : -1;
          if (code == Failures.NOT_FOUND) {
            return finish(jobs.finish(job.id(), Job.FAILED, Job.PRODUCT_NOT_FOUND, attempt));
          }
          if (code == Failures.BAD_REQUEST) {
            return finish(jobs.finish(job.id(), Job.FAILED, Job.INVALID_PRODUCT, attempt));
          }
          return retry(job, attempt, ar.cause().getMessage());
        });
    });
  }

  private record Stored(Job job, Favorite favorite) {
  }

  private Future<Void> store(Job job, JsonObject product, int attempt) {
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT 1 FROM customers WHERE id = $1 FOR NO KEY UPDATE")
        .execute(Tuple.of(job.customerId()))
        .compose(rs -> rs.size() == 0 ? Future.succeededFuture((Job) null) : JobRepository.lock(tx, job.id()))
        .compose(locked -> {
          if (locked == null || !locked.pending()) {
            return Future.succeededFuture(new Stored(null, null));
          }
          return FavoriteRepository.count(tx, job.customerId(), job.productId()).compose(counts ->
            counts[1] == 0 && counts[0] >= cfg.maxPerCustomer()
              ? JobRepository.finish(tx, job.id(), Job.FAILED, Job.LIMIT_REACHED, attempt).map(j -> new Stored(j, null))
              : FavoriteRepository.insert(tx, job.customerId(), job.productId(), product)
                .compose(f -> JobRepository.finish(tx, job.id(), Job.DONE, null, attempt).map(j -> new Stored(j, f))));
        }))
      .map(s -> {
        if (s.favorite() != null) {
          JsonObject event = new JsonObject().put("customerId", job.customerId().toString())
            .put("productId", job.productId().toString()).put("at", Instant.now().toString());
          vertx.eventBus().publish(Addresses.FAVORITES_ADDED, event);
          relay(event.copy().put("type", Addresses.FAVORITES_ADDED));
        }
        completed(s.job());
        return null;
      });
  }

  private Future<Void> finish(Future<Job> finished) {
    return finished.map(j -> {
      completed(j);
      return null;
    });
  }

  /** Tells whoever waits for the job (an HTTP request with Prefer: wait, anywhere in the cluster). */
  private void completed(Job j) {
    if (j != null) {
      metrics.completed(j);
      vertx.eventBus().publish(Addresses.jobCompleted(j.id().toString()), j.toJson());
    }
  }

  /** The product service could not answer: try again after the next delay, or give up after the last attempt. */
  private Future<Void> retry(Job job, int attempt, String why) {
    JsonObject message = job.message().put("attempt", attempt);
    if (attempt >= cfg.maxAttempts()) {
      LOG.warn("job {} dead-lettered after {} attempts; last failure: {}", job.id(), attempt, why);
      return jobs.markDead(job.id(), attempt).compose(j -> j == null ? Future.succeededFuture()
        : rabbit.publish(topology.deadExchange(), "", RabbitConnection.persistentJson(job.id().toString(),
            Map.of("x-last-failure", String.valueOf(why))), message.toBuffer())
          .recover(err -> Future.succeededFuture()) // the database lists it as dead either way
          .map(v -> {
            completed(j);
            return null;
          }));
    }
    long delay = cfg.delayBefore(attempt + 1);
    LOG.debug("job {} attempt {} failed ({}); next in {} ms", job.id(), attempt, why, delay);
    return jobs.scheduleRetry(job.id(), attempt, delay).compose(j -> {
      if (j == null) {
        return Future.succeededFuture();
      }
      metrics.retried();
      return rabbit.publish("", topology.retryQueue(delay), RabbitConnection.persistentJson(job.id().toString(), null),
        message.toBuffer());
    });
  }

  // --- dead letters --------------------------------------------------------------------------------------------------

  private Future<JsonObject> listDead(Message<JsonObject> msg) {
    int limit = Math.max(1, Math.min(1000, msg.body() == null ? 100 : msg.body().getInteger("limit", 100)));
    RabbitMQClient c = rabbit.client();
    Future<Long> queued = c == null ? Future.succeededFuture(null)
      : c.messageCount(topology.deadQueue()).otherwise((Long) null);
    return jobs.listDead(limit).compose(list -> queued.map(n -> {
      JsonArray items = new JsonArray();
      list.forEach(j -> items.add(j.toJson()));
      return new JsonObject().put("items", items).put("queued", n);
    }));
  }

  /**
   * Puts the dead jobs back: pending again with attempts reset, published to the work queue, and the dead-letter
   * queue drained (the database is the record of what is dead; the queue mirrors it for RabbitMQ tooling).
   */
  private Future<JsonObject> replay(Message<JsonObject> msg) {
    RabbitMQClient c = rabbit.client();
    if (c == null) {
      return DomainException.fail(Failures.UNAVAILABLE, "RabbitMQ is not connected; replay later");
    }
    return jobs.revive().compose(list -> publishAll(list).compose(published -> drain(c, 0).map(drained -> {
      LOG.info("replayed {} dead jobs ({} published now, the rest by the sweeper); drained {} dead-letter messages",
        list.size(), published, drained);
      return new JsonObject().put("replayed", list.size()).put("drained", drained);
    })));
  }

  private Future<Integer> drain(RabbitMQClient c, int n) {
    if (n >= 100_000) {
      return Future.succeededFuture(n);
    }
    return c.basicGet(topology.deadQueue(), true).compose(m -> m == null ? Future.succeededFuture(n) : drain(c, n + 1));
  }

  // --- events --------------------------------------------------------------------------------------------------------

  /** Best effort: events for other services on the fanout exchange (lost while RabbitMQ is down). */
  private Future<Void> relay(JsonObject event) {
    if (!rabbit.connected()) {
      return Future.succeededFuture();
    }
    return rabbit.publish(topology.eventsExchange(), "", RabbitConnection.transientJson(UUID.randomUUID().toString(),
        Map.of("type", event.getString("type", ""))), event.toBuffer())
      .recover(err -> {
        LOG.debug("event not relayed: {}", err.getMessage());
        return Future.succeededFuture();
      });
  }

  private static Job parse(JsonObject body) {
    try {
      return new Job(UUID.fromString(body.getString("jobId")), UUID.fromString(body.getString("customerId")),
        UUID.fromString(body.getString("productId")), Job.PENDING, null, body.getInteger("attempt", 0), null, null, null);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
