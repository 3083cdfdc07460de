package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.bus.BusHandlers;
import com.favoriteproducts.bus.Fields;
import com.favoriteproducts.config.AcceptConfig;
import com.favoriteproducts.config.JobsConfig;
import com.favoriteproducts.config.PgConfig;
import com.favoriteproducts.config.ReplicaConfig;
import com.favoriteproducts.db.ReadPools;
import com.favoriteproducts.config.ProductsConfig;
import com.favoriteproducts.config.ShutdownConfig;
import com.favoriteproducts.metrics.AppMetrics;
import com.favoriteproducts.product.LocalCache;
import com.favoriteproducts.product.ProductMetrics;
import com.favoriteproducts.webhook.Outbox;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Favorites behind the event bus (VERTICLES=favorites): accepts adds ({@link Accepts}: a durable job row, then a
 * publish request to a jobs verticle), removes, and reads favorites described by the product service
 * ({@link FavoriteReads}). PostgreSQL only: RabbitMQ and the {@code jobs.*} addresses belong to
 * {@link com.favoriteproducts.favorite.jobs.JobsVerticle}.
 */
public class FavoritesVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FavoritesVerticle.class);

  private Pool pool;
  private FavoriteRepository favorites;
  private Accepts accepts;
  private AcceptConfig acceptCfg;
  private FavoriteReads reads;
  private ReadPools readPools;
  private BusHandlers handlers;

  @Override
  public Future<?> start() {
    JobsConfig cfg = JobsConfig.from(config());
    PgConfig pg = PgConfig.from(config());
    ReplicaConfig replicas;
    try {
      replicas = ReplicaConfig.from(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    String name = "favorites-" + UUID.randomUUID();
    pool = PgBuilder.pool().with(pg.poolOptions(name)).connectingTo(pg.poolConnectOptions()).using(vertx).build();
    readPools = pg.readConnections() > 0 ? ReadPools.pipelined(vertx, pg, replicas, name)
      : ReadPools.create(vertx, pool, replicas, pg.poolConnectOptions(), pg.poolOptions(name), name);
    favorites = new FavoriteRepository(pool);
    acceptCfg = AcceptConfig.from(config());
    accepts = new Accepts(vertx, pool, favorites, cfg.maxPerCustomer(), acceptCfg.queueMax(),
      JobMetrics.accepted(AppMetrics.from(config())));
    ProductsConfig products;
    try {
      products = ProductsConfig.from(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    reads = new FavoriteReads(vertx, favorites, readPools, cfg.listProductsTimeoutMs(), LocalCache.shared(vertx, products),
      ProductMetrics.localHits(AppMetrics.from(config())));
    handlers = new BusHandlers(vertx, LOG, err -> new BusFailure(BusFailure.UNAVAILABLE,
      "favorites storage is unavailable"))
      .on(Addresses.FAVORITES_ADD, this::add)
      .on(Addresses.FAVORITES_REMOVE, this::remove)
      .on(Addresses.FAVORITES_GET, m -> reads.get(Fields.uuid(m, "customerId"), Fields.uuid(m, "productId")))
      .on(Addresses.FAVORITES_LIST, m -> reads.list(Fields.uuid(m, "customerId"), m.body(),
        Addresses.REPLY_AS_JSON_BYTES.equals(m.headers().get(Addresses.REPLY_AS))));
    return Future.all(handlers.ready(), readPools.ready());
  }

  @Override
  public Future<?> stop() {
    return handlers.drain(ShutdownConfig.from(config()).drainMs())
      .eventually(() -> readPools == null ? Future.succeededFuture() : readPools.close())
      .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  /**
   * Already stored: {@code {state: stored, favorite}}; else {@code {state: pending, created, job}}. The caller's
   * {@code timeoutMs} (optional; FAVORITES_ACCEPT_TIMEOUT_MS when absent) says when it gives up.
   */
  private Future<JsonObject> add(Message<JsonObject> msg) {
    UUID customerId = Fields.uuid(msg, "customerId");
    UUID productId = Fields.uuid(msg, "productId");
    Object timeout = Fields.body(msg).getValue("timeoutMs");
    if (timeout != null && !(timeout instanceof Number n && n.longValue() > 0)) {
      throw BusFailure.invalid("invalid add", "timeoutMs", "must be a positive number of milliseconds");
    }
    long timeoutMs = timeout == null ? acceptCfg.timeoutMs() : ((Number) timeout).longValue();
    return accepts.accept(customerId, productId, timeoutMs).onSuccess(a -> readPools.changed(customerId.toString()))
      .compose(a -> a.stored()
      ? favorites.find(customerId, productId).compose(reads::describe)
        .map(json -> new JsonObject().put("state", "stored").put("favorite", json))
      : Future.succeededFuture(new JsonObject().put("state", "pending").put("created", a.created())
        .put("job", a.job().toJson())));
  }

  /**
   * Removes a stored favorite, and cancels its pending add (the job ends failed, {@code cancelled}; whoever waits for
   * it hears so). Either is a success: {@code {customerId, productId, deleted, cancelledJobId?}}; neither is 404.
   */
  private Future<JsonObject> remove(Message<JsonObject> msg) {
    UUID customerId = Fields.uuid(msg, "customerId");
    UUID productId = Fields.uuid(msg, "productId");
    return favorites.remove(customerId, productId).compose(r -> {
      if (!r.deleted() && r.cancelled() == null) {
        return reads.notFound(customerId, productId);
      }
      readPools.changed(customerId.toString());
      JsonObject reply = new JsonObject().put("customerId", customerId.toString())
        .put("productId", productId.toString()).put("deleted", r.deleted());
      if (r.cancelled() != null) {
        reply.put("cancelledJobId", r.cancelled().id().toString());
        vertx.eventBus().publish(Addresses.jobCompleted(r.cancelled().id().toString()), r.cancelled().toJson());
      }
      if (r.deleted()) {
        // The event the transaction wrote to the webhook outbox: the same id on the bus and the fanout.
        r.event().publish(vertx.eventBus());
        vertx.eventBus().send(Addresses.FAVORITES_EVENTS_RELAY, r.event().toCloudEvent());
        Outbox.wake(vertx, r.deliveries());
      }
      return Future.succeededFuture(reply);
    });
  }
}
