package com.favoriteproducts.favorite;

import com.favoriteproducts.Addresses;
import com.favoriteproducts.BusHandlers;
import com.favoriteproducts.DomainException;
import com.favoriteproducts.Failures;
import com.favoriteproducts.config.JobsConfig;
import com.favoriteproducts.config.PgConfig;
import com.favoriteproducts.config.RabbitConfig;
import com.favoriteproducts.metrics.AppMetrics;
import com.favoriteproducts.product.Product;
import com.favoriteproducts.product.ProductVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  /** Jobs published together in one work message. */
  static final int JOBS_PER_MESSAGE = 100;

  private JobsConfig cfg;
  private RabbitTopology topology;
  private RabbitConnection rabbit;
  private Pool pool;
  private JobRepository jobs;
  private DeliveryOptions productOptions;
  private JobMetrics metrics;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  /** Jobs to publish, those asked for in one event-loop turn in one go (see {@link #publishRequested}). */
  private Batcher<Job> publications;
  /** "RabbitMQ has it" marks: one UPDATE for the confirms of {@link #markDelayMs}, of the jobs still pending then. */
  private Batcher<UUID> confirmed;
  /** Deliveries, one batch at a time (see {@link #process}). */
  private Batcher<Delivery> deliveries;
  private boolean sweeping;
  private long sweepTimer = -1;
  private long retentionTimer = -1;

  @Override
  public Future<?> start() {
    cfg = JobsConfig.from(config());
    RabbitConfig rabbitConfig = RabbitConfig.from(config());
    PgConfig pg = PgConfig.from(config());
    // Asynchronous commit for everything this verticle writes (stores, attempts, publication marks): a PostgreSQL
    // crash can lose the last few hundred milliseconds of it, and then the job is still pending in the same rolled-back
    // state, so the sweeper publishes it again and it is stored then. The add's own job row (favorites verticle) keeps
    // synchronous commit: it is what the 202 promises. Saves a WAL flush per batch.
    pool = PgBuilder.pool().with(pg.poolOptions("favorites-jobs-" + UUID.randomUUID()))
      .connectingTo(pg.connectOptions().addProperty("synchronous_commit", "off")).using(vertx).build();
    jobs = new JobRepository(pool);
    productOptions = new DeliveryOptions().setSendTimeout(cfg.productTimeoutMs());
    metrics = new JobMetrics(AppMetrics.from(config()));
    topology = new RabbitTopology(rabbitConfig.queuePrefix(), cfg.retryDelaysMs());
    publications = Batcher.perTurn(context, this::publishJobs);
    // Marks wait a moment: by then most jobs are stored, and a job no longer pending needs no mark (the sweeper only
    // looks at pending ones), so under a normal flow a confirm costs no write at all.
    confirmed = Batcher.after(vertx, markDelayMs(cfg), ids -> jobs.markPublished(ids).onFailure(err -> LOG.warn(
      "could not mark {} jobs published ({}); the sweeper will publish them again", ids.size(), err.getMessage())));
    deliveries = Batcher.whileBusy(1, Integer.MAX_VALUE, this::handle);
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

  /** How long confirms wait before being recorded: well inside JOBS_UNPUBLISHED_AFTER_MS, at most a second. */
  static long markDelayMs(JobsConfig cfg) {
    return Math.max(1, Math.min(1000, cfg.unpublishedAfterMs() / 4));
  }

  private void register(EventBus bus, String address, Function<Message<JsonObject>, Future<JsonObject>> handler) {
    BusHandlers.register(bus, consumers, address, LOG, handler,
      err -> new DomainException(Failures.UNAVAILABLE, "the job store or RabbitMQ is unavailable"));
  }

  // --- publishing --------------------------------------------------------------------------------------------------

  /**
   * jobs.publish: a job the favorites verticle has just stored. The jobs asked for in one event-loop turn go out as one
   * message (at most {@link #JOBS_PER_MESSAGE}): under load that divides the broker's work per add. When RabbitMQ is
   * down the sweeper publishes them later.
   */
  private Future<JsonObject> publishRequested(Message<JsonObject> msg) {
    List<Job> list = msg.body() == null ? null : Job.parseAll(msg.body());
    if (list == null || !rabbit.connected()) {
      return Future.succeededFuture(new JsonObject().put("published", false));
    }
    publications.addAll(list);
    return Future.succeededFuture(new JsonObject().put("queued", true));
  }

  /** Publishes jobs, {@link #JOBS_PER_MESSAGE} per message, marking them published once confirmed; counts them. */
  private Future<Integer> publishJobs(List<Job> list) {
    List<Future<Integer>> sent = new ArrayList<>();
    for (int from = 0; from < list.size(); from += JOBS_PER_MESSAGE) {
      List<Job> chunk = list.subList(from, Math.min(list.size(), from + JOBS_PER_MESSAGE));
      JsonObject message = Job.messageOf(chunk);
      String messageId = chunk.size() == 1 ? chunk.get(0).id().toString() : UUID.randomUUID().toString();
      List<UUID> ids = chunk.stream().map(Job::id).toList();
      sent.add(rabbit.publish(topology.workExchange(), RabbitTopology.ROUTING_KEY,
          RabbitConnection.persistentJson(messageId, null), message.toBuffer())
        .map(v -> {
          confirmed.addAll(ids);
          return ids.size();
        })
        .otherwise(err -> {
          LOG.debug("{} jobs not published now ({}); the sweeper will", ids.size(), err.getMessage());
          return 0;
        }));
    }
    return Future.all(sent).map(cf -> sent.stream().mapToInt(Future::result).sum());
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
        return publishJobs(list).map(n -> {
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

  // --- consuming ---------------------------------------------------------------------------------------------------

  private Future<Void> consume(RabbitMQClient client) {
    return client.basicConsumer(topology.workQueue(), new QueueOptions().setAutoAck(false)).map(consumer -> {
      consumer.exceptionHandler(err -> LOG.warn("consumer error: {}", err.getMessage()));
      consumer.handler(msg -> process(client, msg));
      return null;
    });
  }

  /** A delivery and the jobs it carries (one, or several when published together). */
  private record Delivery(RabbitMQClient client, RabbitMQMessage msg, List<Job> jobs) {
  }

  /**
   * Deliveries are handled in batches, one batch at a time per consumer: what arrives while a batch is being handled
   * is the next batch. Idle, a batch is one delivery (no added latency); busy, batches grow up to the prefetch, and a
   * batch costs about what one job used to: one read of the jobs, one {@code products.getMany}, one transaction,
   * one acknowledgement (multiple) for all of them.
   */
  private void process(RabbitMQClient client, RabbitMQMessage msg) {
    List<Job> carried;
    try {
      carried = Job.parseAll(msg.body().toJsonObject());
    } catch (RuntimeException e) {
      carried = null;
    }
    if (carried == null) {
      LOG.warn("dead-lettering a message that is not a job: {}", msg.body());
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
    return attemptAll(new ArrayList<>(byId.keySet()))
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

  /**
   * One attempt of each job: read them (gone, finished or not due: nothing to do), look their products up in one
   * request, then store what can be stored and fail what is not found in one transaction; jobs whose product could
   * not be looked up are retried later, or dead-lettered after the last attempt.
   */
  private Future<Void> attemptAll(List<UUID> ids) {
    return jobs.findDue(ids).compose(due -> {
      if (due.isEmpty()) {
        return Future.succeededFuture();
      }
      Set<String> productIds = new LinkedHashSet<>();
      due.forEach(j -> productIds.add(j.productId().toString()));
      return lookUp(new ArrayList<>(productIds)).transform(lookup -> {
        // The product service did not answer at all: every job is retried, with that as the reason.
        Map<String, JsonObject> products = lookup.succeeded() ? lookup.result() : Map.of();
        String failure = lookup.succeeded() ? null : "product lookups did not answer: " + lookup.cause().getMessage();
        List<Job> found = new ArrayList<>();
        List<JsonObject> foundProducts = new ArrayList<>();
        List<Job> notFound = new ArrayList<>();
        List<Job> unavailable = new ArrayList<>();
        for (Job j : due) {
          JsonObject p = products.get(j.productId().toString());
          switch (p == null ? Product.UNAVAILABLE : p.getString("availability", Product.UNAVAILABLE)) {
            case Product.AVAILABLE, Product.STALE -> {
              found.add(j);
              foundProducts.add(p);
            }
            case Product.NOT_FOUND -> notFound.add(j);
            default -> unavailable.add(j);
          }
        }
        return store(found, foundProducts, notFound).compose(v -> retry(unavailable, failure));
      });
    });
  }

  /** products.getMany for the batch (in parts of at most {@link ProductVerticle#MAX_IDS}), by lower-case id. */
  private Future<Map<String, JsonObject>> lookUp(List<String> productIds) {
    List<Future<Message<JsonObject>>> parts = new ArrayList<>();
    for (int from = 0; from < productIds.size(); from += ProductVerticle.MAX_IDS) {
      JsonArray ids = new JsonArray(new ArrayList<>(productIds.subList(from,
        Math.min(productIds.size(), from + ProductVerticle.MAX_IDS))));
      parts.add(vertx.eventBus().request(Addresses.PRODUCTS_GET_MANY, new JsonObject().put("ids", ids), productOptions));
    }
    return Future.all(parts).map(cf -> {
      Map<String, JsonObject> out = new HashMap<>();
      for (Future<Message<JsonObject>> part : parts) {
        JsonArray list = part.result().body().getJsonArray("products", new JsonArray());
        for (int i = 0; i < list.size(); i++) {
          JsonObject p = list.getJsonObject(i);
          out.put(p.getString("id", "").toLowerCase(), p);
        }
      }
      return out;
    });
  }

  /** What a batch's transaction writes: each ended job with its status and reason, and the favorites to insert. */
  private record StorePlan(List<UUID> ids, List<String> statuses, List<String> reasons, List<UUID> insertFor,
                           List<JsonObject> insert) {

    StorePlan() {
      this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    void end(Job j, String status, String reason) {
      ids.add(j.id());
      statuses.add(status);
      reasons.add(reason);
    }
  }

  /**
   * Decides, for the jobs still pending: a found product is stored (done; already stored counts as done) unless the
   * customer is full ({@code favorites_limit_reached}); a product not found fails ({@code product_not_found}).
   * {@code counts}: the customers' favorites_count; {@code stored}: the pairs already stored among those near the cap.
   */
  private StorePlan plan(List<Job> found, List<JsonObject> products, List<Job> notFound, Set<UUID> pending,
                         Map<UUID, Long> counts, Set<String> stored) {
    StorePlan plan = new StorePlan();
    Map<UUID, Long> used = new HashMap<>(counts);
    for (int i = 0; i < found.size(); i++) {
      Job j = found.get(i);
      if (!pending.contains(j.id())) {
        continue;
      }
      boolean already = stored.contains(pair(j));
      long n = used.getOrDefault(j.customerId(), 0L);
      if (!already && n >= cfg.maxPerCustomer()) {
        plan.end(j, Job.FAILED, Job.LIMIT_REACHED);
        continue;
      }
      plan.end(j, Job.DONE, null);
      if (!already) {
        used.put(j.customerId(), n + 1);
        plan.insertFor().add(j.customerId());
        plan.insert().add(products.get(i));
      }
    }
    notFound.stream().filter(j -> pending.contains(j.id())).forEach(j -> plan.end(j, Job.FAILED, Job.PRODUCT_NOT_FOUND));
    return plan;
  }

  private static String pair(Job j) {
    return j.customerId() + "/" + j.productId();
  }

  private record Outcome(List<Job> ended, List<Favorite> stored) {
  }

  /**
   * In one transaction: lock the jobs still pending and read their customers' favorites_count (one statement), and,
   * only for customers near the cap, which products are stored already (they take no room); then {@link #plan}: one
   * INSERT of the favorites with their product snapshots, one UPDATE of the jobs. The cap is read without locking the
   * customers: two batches storing for one customer at the same instant can pass it together (by at most one batch);
   * it is a safety limit, not a quota.
   */
  private Future<Void> store(List<Job> found, List<JsonObject> products, List<Job> notFound) {
    if (found.isEmpty() && notFound.isEmpty()) {
      return Future.succeededFuture();
    }
    List<UUID> all = new ArrayList<>();
    found.forEach(j -> all.add(j.id()));
    notFound.forEach(j -> all.add(j.id()));
    Map<UUID, Long> perCustomer = new HashMap<>();
    found.forEach(j -> perCustomer.merge(j.customerId(), 1L, Long::sum));
    return pool.withTransaction(tx -> JobRepository.lockPending(tx, all)
        .compose(pending -> {
          Map<UUID, Long> counts = pending.counts();
          List<Job> tight = found.stream().filter(j -> pending.ids().contains(j.id())
            && counts.getOrDefault(j.customerId(), 0L) + perCustomer.get(j.customerId()) > cfg.maxPerCustomer()).toList();
          return (tight.isEmpty() ? Future.succeededFuture(Set.<String>of())
            : FavoriteRepository.storedPairs(tx, tight.stream().map(Job::customerId).toList(),
              tight.stream().map(Job::productId).toList()))
            .map(stored -> plan(found, products, notFound, pending.ids(), counts, stored));
        })
        .compose(plan -> (plan.insert().isEmpty() ? Future.succeededFuture(List.<Favorite>of())
            : FavoriteRepository.insertAll(tx, plan.insertFor(), plan.insert()))
          .compose(favs -> JobRepository.finishAll(tx, plan.ids(), plan.statuses(), plan.reasons())
            .map(ended -> new Outcome(ended, favs)))))
      .map(outcome -> {
        for (Favorite f : outcome.stored()) {
          JsonObject event = Favorite.event(f.customerId(), f.productId());
          vertx.eventBus().publish(Addresses.FAVORITES_ADDED, event);
          relay(event.copy().put("type", Addresses.FAVORITES_ADDED));
        }
        outcome.ended().forEach(this::completed);
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

  /**
   * The product service could not answer for these jobs: each counts a failed attempt (in its row) and is published
   * to the retry queue of the next delay, or, after the last attempt, dead-lettered.
   */
  private Future<Void> retry(List<Job> unavailable, String failure) {
    if (unavailable.isEmpty()) {
      return Future.succeededFuture();
    }
    return jobs.recordFailures(unavailable.stream().map(Job::id).toList(), cfg.maxAttempts(), cfg.retryDelaysMs())
      .compose(updated -> {
        List<Future<Void>> sent = new ArrayList<>();
        for (Job j : updated) {
          JsonObject message = j.message();
          String reason = failure != null ? failure
            : "the product API is failing and nothing is known about product " + j.productId();
          if (!j.pending()) {
            LOG.warn("job {} dead-lettered after {} attempts; last failure: {}", j.id(), j.attempts(), reason);
            sent.add(rabbit.publish(topology.deadExchange(), "", RabbitConnection.persistentJson(j.id().toString(),
                Map.of("x-last-failure", reason)), message.toBuffer())
              .recover(err -> Future.succeededFuture()) // the database lists it as dead either way
              .onComplete(ar -> completed(j)));
            continue;
          }
          long delay = cfg.delayBefore(j.attempts() + 1);
          LOG.debug("job {} attempt {} failed ({}); next in {} ms", j.id(), j.attempts(), reason, delay);
          metrics.retried();
          sent.add(rabbit.publish("", topology.retryQueue(delay), RabbitConnection.persistentJson(j.id().toString(),
            null), message.toBuffer()));
        }
        return Future.all(sent).mapEmpty();
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
    return jobs.revive().compose(list -> publishJobs(list).compose(published -> drain(c, 0).map(drained -> {
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

  /**
   * Best effort: events for other services on the fanout exchange (lost while RabbitMQ is down), so not waiting for
   * the broker's confirm: one stored favorite is one event, and waiting cost a promise and a timer for each.
   */
  private Future<Void> relay(JsonObject event) {
    if (!rabbit.connected()) {
      return Future.succeededFuture();
    }
    return rabbit.publishUnconfirmed(topology.eventsExchange(), "",
        RabbitConnection.transientJson(UUID.randomUUID().toString(), Map.of("type", event.getString("type", ""))),
        event.toBuffer())
      .recover(err -> {
        LOG.debug("event not relayed: {}", err.getMessage());
        return Future.succeededFuture();
      });
  }
}
