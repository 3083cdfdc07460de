package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.db.DbErrors;
import com.favoriteproducts.tracing.Tracing;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The accept of an add: unknown customer (404), already stored, the job pending for this product, the cap (stored
 * plus pending, 409), else a new pending job, committed before the caller answers 202, then handed to a jobs verticle.
 *
 * <p>Adds are accepted in batches: the first goes at once; those arriving while {@link #ACCEPTS_IN_FLIGHT} statements
 * are running wait and go together in the next one (at most {@link #ACCEPT_BATCH}). Under load that is one statement
 * and one commit for many adds (the commit, not the checks, is what an add costs PostgreSQL), and alone an add waits
 * for nothing. Event-loop confined (one per verticle instance).
 *
 * <p>Bounded: at most FAVORITES_ACCEPT_QUEUE_MAX adds wait for a statement, more are refused at once (503). An add
 * whose caller has given up by the time its batch is formed (its deadline, the caller's timeout less a margin for the
 * statement itself, has passed) is not written: its caller got a timeout and must not find the add applied later.
 * An add already in a statement when its caller gives up is applied (it was being written; a retry of it answers the
 * same job, or 200): a 503 after a timeout means "maybe", which is why retrying an add is always safe.
 */
final class Accepts {

  private static final Logger LOG = LoggerFactory.getLogger(Accepts.class);
  /** Accept statements running at once per instance, and adds per statement. */
  static final int ACCEPTS_IN_FLIGHT = 2;
  static final int ACCEPT_BATCH = 128;

  private final Vertx vertx;
  private final Pool pool;
  private final FavoriteRepository favorites;
  private final int maxPerCustomer;
  private final Counter accepted;
  private final Batcher<AddRequest> batcher;
  private final Tracing tracing;

  /** What an accepted add came to: already stored, or a pending job (new or the one already pending). */
  record Accepted(Job job, boolean created, boolean stored) {
  }

  /** An add waiting for its accept statement; {@code deadline} in {@link System#nanoTime} terms. */
  private record AddRequest(UUID customerId, UUID productId, long deadline, Promise<Accepted> answer,
                            io.opentelemetry.context.Context trace) {
  }

  /** Time kept for the statement itself: an add with less than this left before its caller gives up is dropped. */
  static final long WRITE_MARGIN_MS = 1000;

  Accepts(Vertx vertx, Pool pool, FavoriteRepository favorites, int maxPerCustomer, int queueMax, Counter accepted) {
    this.batcher = Batcher.whileBusy(ACCEPTS_IN_FLIGHT, ACCEPT_BATCH, queueMax, this::acceptLive);
    this.vertx = vertx;
    this.pool = pool;
    this.favorites = favorites;
    this.maxPerCustomer = maxPerCustomer;
    this.accepted = accepted;
    this.tracing = Tracing.of(vertx);
  }

  /** {@code timeoutMs}: how long the caller waits for the answer (then it has given up). */
  Future<Accepted> accept(UUID customerId, UUID productId, long timeoutMs) {
    Promise<Accepted> answer = Promise.promise();
    long keep = Math.min(WRITE_MARGIN_MS, timeoutMs / 2);
    long deadline = System.nanoTime() + (timeoutMs - keep) * 1_000_000L;
    if (!batcher.offer(new AddRequest(customerId, productId, deadline, answer, tracing.current()))) {
      LOG.warn("add of product {} for customer {} refused: {} adds are waiting for the database already", productId,
        customerId, batcher.queued());
      return BusFailure.fail(BusFailure.UNAVAILABLE, "too many adds are waiting for the database; try again");
    }
    return answer.future();
  }

  /** The batch without the adds whose caller has given up (answered 503: nobody hears it, but nothing hangs). */
  private Future<Void> acceptLive(List<AddRequest> batch) {
    long now = System.nanoTime();
    List<AddRequest> live = new ArrayList<>(batch.size());
    for (AddRequest r : batch) {
      if (now - r.deadline() < 0) {
        live.add(r);
      } else {
        r.answer().handle(BusFailure.fail(BusFailure.UNAVAILABLE, "the add waited too long for the database"));
      }
    }
    if (live.size() < batch.size()) {
      LOG.warn("{} adds not written: their callers had given up before their turn came", batch.size() - live.size());
    }
    return live.isEmpty() ? Future.succeededFuture() : acceptBatch(live);
  }

  private Future<Void> acceptBatch(List<AddRequest> batch) {
    List<UUID> jobIds = new ArrayList<>(batch.size());
    batch.forEach(r -> jobIds.add(UUID.randomUUID()));
    return JobRepository.acceptAll(pool, jobIds, batch.stream().map(AddRequest::customerId).toList(),
        batch.stream().map(AddRequest::productId).toList(), maxPerCustomer)
      .transform(ar -> {
        if (ar.succeeded()) {
          List<Job> created = new ArrayList<>();
          List<io.opentelemetry.context.Context> traces = new ArrayList<>();
          for (int i = 0; i < batch.size(); i++) {
            AddRequest r = batch.get(i);
            JobRepository.Accept a = ar.result().get(i);
            if (a.created() != null) {
              created.add(a.created());
              traces.add(r.trace());
            }
            resolve(r, a).onComplete(r.answer());
          }
          publish(created, traces);
        } else if (DbErrors.is(ar.cause(), DbErrors.FOREIGN_KEY_VIOLATION) && batch.size() > 1) {
          // a customer was deleted between the checks and the insert: the others go again, one by one
          return Future.all(batch.stream().map(r -> acceptBatch(List.of(r))).toList()).mapEmpty();
        } else if (DbErrors.is(ar.cause(), DbErrors.FOREIGN_KEY_VIOLATION)) {
          batch.get(0).answer().handle(FavoriteReads.customerNotFound(batch.get(0).customerId()));
        } else {
          batch.forEach(r -> r.answer().fail(ar.cause()));
        }
        return Future.succeededFuture();
      });
  }

  /** Best effort: if no jobs verticle takes them now, the sweeper publishes the jobs (they are durable already). */
  private void publish(List<Job> created, List<io.opentelemetry.context.Context> traces) {
    if (created.isEmpty()) {
      return;
    }
    accepted.increment(created.size());
    JsonObject message = Job.messageOf(created);
    if (tracing.on()) {
      // Each job carries the trace of its own add: adds accepted together are jobs of different requests.
      JobTraces.annotate(message, traces.stream().map(tracing::headers).toList());
    }
    vertx.eventBus().send(Addresses.JOBS_PUBLISH, message);
  }

  private Future<Accepted> resolve(AddRequest r, JobRepository.Accept a) {
    if (!a.customerExists()) {
      return FavoriteReads.customerNotFound(r.customerId());
    }
    if (a.created() != null) {
      return Future.succeededFuture(new Accepted(a.created(), true, false));
    }
    if (a.pending() != null) {
      return Future.succeededFuture(new Accepted(a.pending(), false, false));
    }
    if (a.stored()) {
      return Future.succeededFuture(new Accepted(null, false, true));
    }
    if (a.used() >= maxPerCustomer) {
      return BusFailure.fail(BusFailure.CONFLICT, "customer " + r.customerId() + " already has the maximum of "
        + maxPerCustomer + " favorites (stored and pending)");
    }
    // Another add of this product inserted its job first (after this statement's snapshot): that job answers.
    return pool.withConnection(c -> JobRepository.findPending(c, r.customerId(), r.productId())).compose(j -> j != null
        ? Future.succeededFuture(new Accepted(j, false, false))
        : favorites.find(r.customerId(), r.productId()).map(f -> f != null ? new Accepted(null, false, true) : null))
      .compose(x -> {
        if (x != null) {
          return Future.succeededFuture(x);
        }
        LOG.warn("add of product {} for customer {} raced with another change; answered 503", r.productId(),
          r.customerId());
        return BusFailure.fail(BusFailure.UNAVAILABLE, "the add raced with another change; try again");
      });
  }
}
