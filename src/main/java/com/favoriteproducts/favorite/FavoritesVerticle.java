package com.favoriteproducts.favorite;

import com.favoriteproducts.Addresses;
import com.favoriteproducts.BusHandlers;
import com.favoriteproducts.DomainException;
import com.favoriteproducts.Failures;
import com.favoriteproducts.config.JobsConfig;
import com.favoriteproducts.config.PgConfig;
import com.favoriteproducts.db.Cursor;
import com.favoriteproducts.db.DbErrors;
import com.favoriteproducts.metrics.AppMetrics;
import io.micrometer.core.instrument.Counter;
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
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Favorites behind the event bus (VERTICLES=favorites): accepts adds (a durable job row, then a publish request to a
 * jobs verticle), removes, reads and lists favorites enriched by the product service, and reads jobs. PostgreSQL
 * only: RabbitMQ belongs to {@link FavoritesJobVerticle}.
 */
public class FavoritesVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FavoritesVerticle.class);
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  private Pool pool;
  private FavoriteRepository favorites;
  private JobRepository jobs;
  private JobsConfig cfg;
  private DeliveryOptions productsOptions;
  private Counter accepted;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  /** Accept statements running at once per instance, and adds per statement (see {@link #accept}). */
  static final int ACCEPTS_IN_FLIGHT = 2;
  static final int ACCEPT_BATCH = 128;
  private final Batcher<AddRequest> accepts = Batcher.whileBusy(ACCEPTS_IN_FLIGHT, ACCEPT_BATCH, this::acceptBatch);

  /** What an accepted add came to: already stored, or a pending job (new or the one already pending). */
  private record Accepted(Job job, boolean created, boolean stored) {
  }

  @Override
  public Future<?> start() {
    cfg = JobsConfig.from(config());
    PgConfig pg = PgConfig.from(config());
    pool = PgBuilder.pool().with(pg.poolOptions("favorites-" + UUID.randomUUID())).connectingTo(pg.connectOptions())
      .using(vertx).build();
    favorites = new FavoriteRepository(pool);
    jobs = new JobRepository(pool);
    productsOptions = new DeliveryOptions().setSendTimeout(cfg.listProductsTimeoutMs());
    accepted = JobMetrics.accepted(AppMetrics.from(config()));
    EventBus bus = vertx.eventBus();
    register(bus, Addresses.FAVORITES_ADD, this::add);
    register(bus, Addresses.FAVORITES_REMOVE, this::remove);
    register(bus, Addresses.FAVORITES_GET, this::get);
    register(bus, Addresses.FAVORITES_LIST, this::list);
    register(bus, Addresses.JOBS_GET, this::job);
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return BusHandlers.drain(vertx, consumers, config())
      .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  private void register(EventBus bus, String address, Function<Message<JsonObject>, Future<JsonObject>> handler) {
    BusHandlers.register(bus, consumers, address, LOG, handler,
      err -> new DomainException(Failures.UNAVAILABLE, "favorites storage is unavailable"));
  }

  // --- add -------------------------------------------------------------------------------------------------------

  private Future<JsonObject> add(Message<JsonObject> msg) {
    UUID customerId = uuid(msg, "customerId");
    UUID productId = customerId == null ? null : uuid(msg, "productId");
    if (productId == null) {
      return Future.succeededFuture();
    }
    return accept(customerId, productId)
      .compose(a -> {
        if (a.stored()) {
          return favorites.find(customerId, productId).compose(this::storedReply);
        }
        return Future.succeededFuture(new JsonObject().put("state", "pending").put("created", a.created())
          .put("job", a.job().toJson()));
      });
  }

  /** An add waiting for its accept statement. */
  private record AddRequest(UUID customerId, UUID productId, Promise<Accepted> answer) {
  }

  /**
   * Unknown customer (404), already stored, the job pending for this product, the cap (stored plus pending, 409),
   * else a new pending job. Adds are accepted in batches: the first goes at once; those arriving while
   * {@link #ACCEPTS_IN_FLIGHT} statements are running wait and go together in the next one (at most
   * {@link #ACCEPT_BATCH}). Under load that is one statement and one commit for many adds — the commit, not the
   * checks, is what an add costs PostgreSQL — and alone an add waits for nothing.
   */
  private Future<Accepted> accept(UUID customerId, UUID productId) {
    Promise<Accepted> answer = Promise.promise();
    accepts.add(new AddRequest(customerId, productId, answer));
    return answer.future();
  }

  private Future<Void> acceptBatch(List<AddRequest> batch) {
    List<UUID> jobIds = new ArrayList<>(batch.size());
    batch.forEach(r -> jobIds.add(UUID.randomUUID()));
    return JobRepository.acceptAll(pool, jobIds, batch.stream().map(AddRequest::customerId).toList(),
        batch.stream().map(AddRequest::productId).toList(), cfg.maxPerCustomer())
      .transform(ar -> {
        if (ar.succeeded()) {
          List<Job> created = new ArrayList<>();
          for (int i = 0; i < batch.size(); i++) {
            AddRequest r = batch.get(i);
            JobRepository.Accept a = ar.result().get(i);
            if (a.created() != null) {
              created.add(a.created());
            }
            resolve(r, a).onComplete(r.answer());
          }
          publish(created);
        } else if (DbErrors.is(ar.cause(), DbErrors.FOREIGN_KEY_VIOLATION) && batch.size() > 1) {
          // a customer was deleted between the checks and the insert: the others go again, one by one
          return Future.all(batch.stream().map(r -> acceptBatch(List.of(r))).toList()).mapEmpty();
        } else if (DbErrors.is(ar.cause(), DbErrors.FOREIGN_KEY_VIOLATION)) {
          batch.get(0).answer().handle(customerNotFound(batch.get(0).customerId()));
        } else {
          batch.forEach(r -> r.answer().fail(ar.cause()));
        }
        return Future.succeededFuture();
      });
  }

  /** Best effort: if no jobs verticle takes them now, the sweeper publishes the jobs (they are durable already). */
  private void publish(List<Job> created) {
    if (created.isEmpty()) {
      return;
    }
    accepted.increment(created.size());
    vertx.eventBus().send(Addresses.JOBS_PUBLISH, Job.messageOf(created));
  }

  private Future<Accepted> resolve(AddRequest r, JobRepository.Accept a) {
    if (!a.customerExists()) {
      return customerNotFound(r.customerId());
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
    if (a.used() >= cfg.maxPerCustomer()) {
      return DomainException.fail(Failures.CONFLICT, "customer " + r.customerId() + " already has the maximum of "
        + cfg.maxPerCustomer() + " favorites (stored and pending)");
    }
    // Another add of this product inserted its job first (after this statement's snapshot): that job answers.
    return pool.withConnection(c -> JobRepository.findPending(c, r.customerId(), r.productId())).compose(j -> j != null
        ? Future.succeededFuture(new Accepted(j, false, false))
        : favorites.find(r.customerId(), r.productId()).map(f -> f != null ? new Accepted(null, false, true) : null))
      .compose(x -> x != null ? Future.succeededFuture(x)
        : DomainException.<Accepted>fail(Failures.UNAVAILABLE, "the add raced with another change; try again"));
  }

  private Future<JsonObject> storedReply(Favorite f) {
    return describe(f).map(json -> new JsonObject().put("state", "stored").put("favorite", json));
  }

  // --- remove, get -----------------------------------------------------------------------------------------------

  private Future<JsonObject> remove(Message<JsonObject> msg) {
    UUID customerId = uuid(msg, "customerId");
    UUID productId = customerId == null ? null : uuid(msg, "productId");
    if (productId == null) {
      return Future.succeededFuture();
    }
    return favorites.delete(customerId, productId).compose(n -> {
      if (n == 0) {
        return notFound(customerId, productId);
      }
      JsonObject event = Favorite.event(customerId, productId);
      vertx.eventBus().publish(Addresses.FAVORITES_REMOVED, event);
      vertx.eventBus().send(Addresses.FAVORITES_EVENTS_RELAY, event.copy().put("type", Addresses.FAVORITES_REMOVED));
      return Future.succeededFuture(new JsonObject().put("customerId", customerId.toString())
        .put("productId", productId.toString()).put("deleted", true));
    });
  }

  private Future<JsonObject> get(Message<JsonObject> msg) {
    UUID customerId = uuid(msg, "customerId");
    UUID productId = customerId == null ? null : uuid(msg, "productId");
    if (productId == null) {
      return Future.succeededFuture();
    }
    return favorites.find(customerId, productId)
      .compose(f -> f == null ? notFound(customerId, productId) : describe(f));
  }

  private Future<JsonObject> notFound(UUID customerId, UUID productId) {
    return favorites.customerExists(customerId).compose(exists -> exists
      ? DomainException.fail(Failures.NOT_FOUND, "product " + productId + " is not a favorite of customer " + customerId)
      : customerNotFound(customerId));
  }

  private static <T> Future<T> customerNotFound(UUID customerId) {
    return DomainException.fail(Failures.NOT_FOUND, "customer " + customerId + " not found");
  }

  // --- list ------------------------------------------------------------------------------------------------------

  private Future<JsonObject> list(Message<JsonObject> msg) {
    UUID customerId = uuid(msg, "customerId");
    if (customerId == null) {
      return Future.succeededFuture();
    }
    JsonObject body = msg.body();
    int limit = body.getInteger("limit", DEFAULT_LIMIT);
    if (limit < 1 || limit > MAX_LIMIT) {
      Failures.invalid(msg, "invalid query", "limit", "must be between 1 and " + MAX_LIMIT);
      return Future.succeededFuture();
    }
    OffsetDateTime afterAt = null;
    UUID afterProduct = null;
    String cursor = body.getString("cursor");
    if (cursor != null) {
      JsonArray key = Cursor.decode(cursor);
      try {
        afterAt = fromMicros(key.getLong(0));
        afterProduct = UUID.fromString(key.getString(1));
      } catch (RuntimeException e) {
        Failures.invalid(msg, "invalid query", "cursor", "is not a cursor this service issued");
        return Future.succeededFuture();
      }
    }
    return favorites.page(customerId, afterAt, afterProduct, limit + 1).compose(page -> {
      if (!page.customerExists()) {
        return customerNotFound(customerId);
      }
      List<Favorite> rows = page.rows().size() > limit ? page.rows().subList(0, limit) : page.rows();
      String next = page.rows().size() > limit ? Cursor.encode(new JsonArray().add(micros(rows.get(limit - 1).addedAt()))
        .add(rows.get(limit - 1).productId().toString())) : null;
      return describe(customerId, rows).map(items -> new JsonObject().put("items", items).put("nextCursor", next));
    });
  }

  // --- jobs ------------------------------------------------------------------------------------------------------

  private Future<JsonObject> job(Message<JsonObject> msg) {
    UUID id = uuid(msg, "jobId");
    if (id == null) {
      return Future.succeededFuture();
    }
    return jobs.find(id).compose(j -> j == null ? DomainException.fail(Failures.NOT_FOUND, "job " + id + " not found")
      : Future.succeededFuture(j.toJson()));
  }

  // --- enrichment ------------------------------------------------------------------------------------------------

  private Future<JsonObject> describe(Favorite f) {
    return describe(f.customerId(), List.of(f)).map(items -> items.getJsonObject(0));
  }

  /**
   * One {@code products.getMany} for the page (the product service answers from its cache); when it does not answer
   * in time, every item is served from its snapshot, marked STALE. Snapshots older than what the product service
   * knows are refreshed on the side.
   */
  private Future<JsonArray> describe(UUID customerId, List<Favorite> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture(new JsonArray());
    }
    JsonArray ids = new JsonArray();
    rows.forEach(f -> ids.add(f.productId().toString()));
    return vertx.eventBus().<JsonObject>request(Addresses.PRODUCTS_GET_MANY, new JsonObject().put("ids", ids), productsOptions)
      .map(reply -> {
        Map<String, JsonObject> byId = new HashMap<>();
        JsonArray products = reply.body().getJsonArray("products", new JsonArray());
        for (int i = 0; i < products.size(); i++) {
          JsonObject p = products.getJsonObject(i);
          byId.put(p.getString("id", "").toLowerCase(), p);
        }
        return byId;
      })
      .otherwise(err -> {
        LOG.warn("products.getMany did not answer ({}); serving {} favorites of customer {} from snapshots",
          err.getMessage(), rows.size(), customerId);
        return Map.of();
      })
      .map(byId -> {
        JsonArray items = new JsonArray();
        List<JsonObject> newer = new ArrayList<>();
        for (Favorite f : rows) {
          JsonObject p = byId.get(f.productId().toString());
          items.add(f.toJson(p));
          if (p != null && Favorite.AVAILABLE.equals(p.getString("availability")) && f.differsFrom(p)) {
            newer.add(p);
          }
        }
        if (!newer.isEmpty()) {
          favorites.refreshSnapshots(customerId, newer)
            .onFailure(err -> LOG.debug("snapshot refresh failed: {}", err.getMessage()));
        }
        return items;
      });
  }

  // --- helpers ---------------------------------------------------------------------------------------------------

  static long micros(OffsetDateTime t) {
    Instant i = t.toInstant();
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }

  static OffsetDateTime fromMicros(long micros) {
    return OffsetDateTime.ofInstant(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
      Math.floorMod(micros, 1_000_000L) * 1000L), ZoneOffset.UTC);
  }

  private static UUID uuid(Message<JsonObject> msg, String field) {
    Object raw = msg.body() == null ? null : msg.body().getValue(field);
    try {
      return UUID.fromString((String) raw);
    } catch (RuntimeException e) {
      Failures.invalid(msg, "invalid " + field, field, "must be a UUID");
      return null;
    }
  }
}
