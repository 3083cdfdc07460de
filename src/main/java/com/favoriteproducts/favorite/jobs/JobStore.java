package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.FavoriteEvent;
import com.favoriteproducts.bus.Availability;
import com.favoriteproducts.bus.JobReason;
import com.favoriteproducts.bus.JobStatus;
import com.favoriteproducts.bus.Paging;
import com.favoriteproducts.config.JobsConfig;
import com.favoriteproducts.favorite.FavoriteRepository;
import com.favoriteproducts.favorite.Job;
import com.favoriteproducts.favorite.JobMetrics;
import com.favoriteproducts.favorite.JobRepository;
import com.favoriteproducts.tracing.Tracing;
import com.favoriteproducts.webhook.Outbox;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One attempt of a batch of jobs. Read them (gone, finished or not due: nothing to do), look their products up in one
 * {@code products.getMany}, then in one transaction store the favorites whose product was found (with its snapshot;
 * already stored counts as done, so a redelivery is harmless) and fail the jobs whose product the API does not know
 * ({@code product_not_found}, no retry). Jobs whose product could not be looked up (503, timeout, breaker open, not
 * deployed) count a failed attempt and are retried after the configured delays, dead after JOBS_MAX_ATTEMPTS. A batch
 * whose transaction fails is stored again one job at a time; a job whose product the API sent unusable
 * ({@code INVALID}) or whose own store fails on its data counts a failed attempt, outside the failed transaction, and
 * is failed as {@code invalid_product} and dead-lettered after JOBS_INVALID_PRODUCT_MAX_ATTEMPTS.
 */
final class JobStore {

  private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);

  private final Vertx vertx;
  private final JobsConfig cfg;
  private final Pool pool;
  private final JobRepository jobs;
  private final RabbitConnection rabbit;
  private final RabbitTopology topology;
  private final JobPublisher publisher;
  private final JobMetrics metrics;
  private final DeliveryOptions productOptions;
  private final Tracing tracing;

  JobStore(Vertx vertx, JobsConfig cfg, Pool pool, JobRepository jobs, RabbitConnection rabbit, RabbitTopology topology,
           JobPublisher publisher, JobMetrics metrics) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.pool = pool;
    this.jobs = jobs;
    this.rabbit = rabbit;
    this.topology = topology;
    this.publisher = publisher;
    this.metrics = metrics;
    this.productOptions = new DeliveryOptions().setSendTimeout(cfg.productTimeoutMs());
    this.tracing = Tracing.of(vertx);
  }

  /**
   * One attempt of each job; fails only when the outcome could not be recorded (the deliveries are then requeued).
   * {@code spans}: with tracing on, each job's attempt span ({@link JobConsumer}); a retry carries it to the next
   * attempt, a dead letter names it.
   */
  Future<Void> attemptAll(List<UUID> ids, Map<UUID, Context> spans) {
    this.spans = spans;
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
        List<Job> invalid = new ArrayList<>();
        for (Job j : due) {
          JsonObject p = products.get(j.productId().toString());
          switch (Availability.of(p)) {
            case AVAILABLE, STALE -> {
              found.add(j);
              foundProducts.add(p);
            }
            case NOT_FOUND -> notFound.add(j);
            case INVALID -> invalid.add(j);
            default -> unavailable.add(j);
          }
        }
        return storeIsolating(found, foundProducts, notFound)
          .compose(unstorable -> retry(unstorable, "its product could not be stored", JobReason.INVALID_PRODUCT,
            cfg.invalidProductMaxAttempts()))
          .compose(v -> retry(invalid, "the product API sent data the service cannot use", JobReason.INVALID_PRODUCT,
            cfg.invalidProductMaxAttempts()))
          .compose(v -> retry(unavailable, failure, JobReason.RETRIES_EXHAUSTED, cfg.maxAttempts()));
      });
    });
  }

  /**
   * {@link #store} of the batch; when that transaction fails, each job is stored alone (the not-found ones together),
   * one after the other, so that one job whose data the database refuses cannot hold the others. Completes with the
   * jobs whose own store failed on their data ({@link #unstorable}), for the caller to count an attempt of them
   * outside the failed transaction; fails when a store failed for another reason (the database is down, say: the
   * batch is then requeued, and no attempt is counted).
   */
  private Future<List<Job>> storeIsolating(List<Job> found, List<JsonObject> products, List<Job> notFound) {
    return store(found, products, notFound).<List<Job>>map(v -> List.of()).recover(err -> {
      if (found.size() == 1 && notFound.isEmpty()) {
        if (!unstorable(err)) {
          return Future.failedFuture(err);
        }
        LOG.warn("job {} (product {}) could not be stored: {}", found.get(0).id(), found.get(0).productId(),
          err.toString());
        return Future.succeededFuture(List.of(found.get(0)));
      }
      if (found.isEmpty()) {
        return Future.failedFuture(err); // only jobs to fail as not found: no product data to blame
      }
      LOG.warn("a batch of {} jobs could not be stored ({}); storing them one at a time",
        found.size() + notFound.size(), err.toString());
      Future<List<Job>> each = notFound.isEmpty() ? Future.succeededFuture(new ArrayList<>())
        : store(List.of(), List.of(), notFound).map(v -> new ArrayList<>());
      for (int i = 0; i < found.size(); i++) {
        List<Job> one = List.of(found.get(i));
        List<JsonObject> its = List.of(products.get(i));
        each = each.compose(bad -> storeIsolating(one, its, List.of()).map(b -> {
          bad.addAll(b);
          return bad;
        }));
      }
      return each;
    });
  }

  /**
   * Whether a store failed on the job's data rather than on the database being unavailable: PostgreSQL refused the
   * statement as a data exception (class 22: NUL in text, a bad timestamp, a number out of range), an integrity
   * violation (23) or a program limit (54), or the product could not even be mapped to the statement's parameters.
   */
  static boolean unstorable(Throwable err) {
    if (err instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      return state.startsWith("22") || state.startsWith("23") || state.startsWith("54");
    }
    return err instanceof ClassCastException || err instanceof DateTimeException
      || err instanceof IllegalArgumentException || err instanceof DecodeException;
  }

  /** products.getMany for the batch (in parts of at most {@link Paging#MAX_PRODUCT_IDS}), by lower-case id. */
  private Future<Map<String, JsonObject>> lookUp(List<String> productIds) {
    List<Future<Message<JsonObject>>> parts = new ArrayList<>();
    for (int from = 0; from < productIds.size(); from += Paging.MAX_PRODUCT_IDS) {
      JsonArray ids = new JsonArray(new ArrayList<>(productIds.subList(from,
        Math.min(productIds.size(), from + Paging.MAX_PRODUCT_IDS))));
      parts.add(vertx.eventBus().request(Addresses.PRODUCTS_GET_MANY, new JsonObject().put("ids", ids),
        productOptions));
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

    void end(Job j, JobStatus status, JobReason reason) {
      ids.add(j.id());
      statuses.add(status.wire());
      reasons.add(reason == null ? null : reason.wire());
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
        plan.end(j, JobStatus.FAILED, JobReason.FAVORITES_LIMIT_REACHED);
        continue;
      }
      plan.end(j, JobStatus.DONE, null);
      if (!already) {
        used.put(j.customerId(), n + 1);
        plan.insertFor().add(j.customerId());
        plan.insert().add(products.get(i));
      }
    }
    notFound.stream().filter(j -> pending.contains(j.id()))
      .forEach(j -> plan.end(j, JobStatus.FAILED, JobReason.PRODUCT_NOT_FOUND));
    return plan;
  }

  private static String pair(Job j) {
    return j.customerId() + "/" + j.productId();
  }

  private record Outcome(List<Job> ended, FavoriteRepository.Stored stored) {
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
              && counts.getOrDefault(j.customerId(), 0L) + perCustomer.get(j.customerId()) > cfg.maxPerCustomer())
            .toList();
          return (tight.isEmpty() ? Future.succeededFuture(Set.<String>of())
            : FavoriteRepository.storedPairs(tx, tight.stream().map(Job::customerId).toList(),
              tight.stream().map(Job::productId).toList()))
            .map(stored -> plan(found, products, notFound, pending.ids(), counts, stored));
        })
        .compose(plan -> (plan.insert().isEmpty() ? Future.succeededFuture(FavoriteRepository.Stored.NONE)
            : FavoriteRepository.insertAll(tx, plan.insertFor(), plan.insert()))
          .compose(favs -> JobRepository.finishAll(tx, plan.ids(), plan.statuses(), plan.reasons())
            .map(ended -> new Outcome(ended, favs)))))
      .map(outcome -> {
        // The events the transaction wrote to the webhook outbox: the same ids on the bus and the fanout.
        for (FavoriteEvent event : outcome.stored().events()) {
          event.publish(vertx.eventBus());
          publisher.relay(event.toCloudEvent());
        }
        Outbox.wake(vertx, outcome.stored().deliveries());
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
   * These jobs' attempt failed ({@code failure}: why, for the log and the dead letter; null: the product API is
   * failing): each counts a failed attempt (in its row) and is published to the retry queue of the next delay, or,
   * once it has made {@code maxAttempts} attempts, is failed with {@code exhausted} and dead-lettered.
   */
  private Future<Void> retry(List<Job> failed, String failure, JobReason exhausted, int maxAttempts) {
    if (failed.isEmpty()) {
      return Future.succeededFuture();
    }
    return jobs.recordFailures(failed.stream().map(Job::id).toList(), maxAttempts, cfg.retryDelaysMs(), exhausted)
      .compose(updated -> {
        List<Future<Void>> sent = new ArrayList<>();
        for (Job j : updated) {
          String reason = failure != null ? failure
            : "the product API is failing and nothing is known about product " + j.productId();
          sent.add(j.pending() ? retryLater(j, reason) : deadLetter(j, reason));
        }
        return Future.all(sent).mapEmpty();
      });
  }

  /** The attempt spans of the batch being handled (one batch at a time: {@link JobConsumer}); empty when off. */
  private Map<UUID, Context> spans = Map.of();

  /** Marks the job's attempt span failed (tracing on), and returns its trace headers for the next message. */
  private Map<String, Object> failedAttempt(Job j, String reason, boolean dead) {
    Context c = spans.get(j.id());
    if (c == null) {
      return null;
    }
    Span span = Span.fromContext(c);
    span.setStatus(StatusCode.ERROR, reason);
    span.setAttribute("favorites.job.outcome", dead ? "dead" : "retry");
    return tracing.headers(c);
  }

  private Future<Void> retryLater(Job j, String reason) {
    long delay = cfg.delayBefore(j.attempts() + 1);
    Map<String, Object> trace = failedAttempt(j, reason, false);
    LOG.debug("job {} attempt {} failed ({}); next in {} ms", j.id(), j.attempts(), reason, delay);
    metrics.retried();
    return rabbit.publish("", topology.retryQueue(delay), RabbitConnection.persistentJson(j.id().toString(), trace),
      j.message().toBuffer());
  }

  private Future<Void> deadLetter(Job j, String reason) {
    LOG.warn("job {} dead-lettered after {} attempts; last failure: {}", j.id(), j.attempts(), reason);
    Map<String, Object> headers = new HashMap<>();
    headers.put("x-last-failure", reason);
    Map<String, Object> trace = failedAttempt(j, reason, true);
    if (trace != null) {
      headers.putAll(trace);
    }
    return rabbit.publish(topology.deadExchange(), "", RabbitConnection.persistentJson(j.id().toString(), headers),
        j.message().toBuffer())
      .recover(err -> Future.succeededFuture()) // the database lists it as dead either way
      .onComplete(ar -> completed(j));
  }
}
