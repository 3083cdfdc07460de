package com.favoriteproducts.customer;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.bus.BusHandlers;
import com.favoriteproducts.bus.Cursor;
import com.favoriteproducts.bus.FieldError;
import com.favoriteproducts.bus.Fields;
import com.favoriteproducts.bus.Paging;
import com.favoriteproducts.config.PgConfig;
import com.favoriteproducts.config.ReplicaConfig;
import com.favoriteproducts.config.ShutdownConfig;
import com.favoriteproducts.db.DbErrors;
import com.favoriteproducts.db.Pins;
import com.favoriteproducts.db.ReadPools;
import com.favoriteproducts.favorite.Job;
import com.favoriteproducts.favorite.JobRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Customer persistence behind the {@code customers.*} event-bus addresses. No HTTP here. Writes on the primary; the
 * reads ({@code customers.get}, {@code customers.list}) on a replica that has replayed the customer's last change
 * ({@link ReadPools}), a customer a replica does not know being looked up on the primary.
 */
public class CustomerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CustomerVerticle.class);
  /** The delete found nothing to delete (its transaction is then rolled back): not an error of its own. */
  private static final RuntimeException NOT_DELETED = new RuntimeException("not deleted", null, false, false) {
  };

  private Pool pool;
  private CustomerRepository repo;
  private ReadPools reads;
  private BusHandlers handlers;

  @Override
  public Future<?> start() {
    PgConfig pg = PgConfig.from(config());
    ReplicaConfig replicas;
    try {
      replicas = ReplicaConfig.from(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    String name = "customers-" + UUID.randomUUID();
    pool = PgBuilder.pool().with(pg.poolOptions(name)).connectingTo(pg.poolConnectOptions()).using(vertx).build();
    repo = new CustomerRepository(pool);
    reads = pg.readConnections() > 0 ? ReadPools.pipelined(vertx, pg, replicas, name)
      : ReadPools.create(vertx, pool, replicas, pg.poolConnectOptions(), pg.poolOptions(name), name);
    handlers = new BusHandlers(vertx, LOG, CustomerVerticle::storageFailure)
      .on(Addresses.CUSTOMERS_CREATE, this::create)
      .on(Addresses.CUSTOMERS_GET, this::get)
      .on(Addresses.CUSTOMERS_UPDATE, m -> update(m, false))
      .on(Addresses.CUSTOMERS_PATCH, m -> update(m, true))
      .on(Addresses.CUSTOMERS_DELETE, this::delete)
      .on(Addresses.CUSTOMERS_LIST, this::list)
      .on(Addresses.CUSTOMERS_HEALTH, m -> pool.query("SELECT 1").execute().map(rs -> {
        JsonObject h = new JsonObject().put("status", "UP");
        return reads.hasReplicas() ? h.put("replicas", reads.health()) : h;
      }));
    return Future.all(handlers.ready(), reads.ready());
  }

  @Override
  public Future<?> stop() {
    return handlers.drain(ShutdownConfig.from(config()).drainMs())
      .eventually(() -> reads == null ? Future.succeededFuture() : reads.close())
      .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  private Future<JsonObject> create(Message<JsonObject> msg) {
    JsonObject body = Fields.body(msg);
    Customer.Input input = Customer.parse(body, false);
    if (!input.errors().isEmpty()) {
      throw new BusFailure(BusFailure.BAD_REQUEST, "the customer is invalid", input.errors());
    }
    UUID id = UUID.randomUUID();
    return repo.insert(id, input.name(), input.email()).map(Customer::toJson).onSuccess(c -> changed(id, "created"));
  }

  private Future<JsonObject> get(Message<JsonObject> msg) {
    UUID id = id(msg);
    return reads.read(id.toString(), p -> new CustomerRepository(p).find(id), c -> c == null)
      .compose(c -> c == null ? notFound(id) : Future.succeededFuture(c.toJson()));
  }

  private Future<JsonObject> update(Message<JsonObject> msg, boolean partial) {
    UUID id = id(msg);
    JsonObject body = Fields.body(msg);
    JsonObject fields = partial ? body.getJsonObject("patch", new JsonObject()) : new JsonObject()
      .put("name", body.getValue("name")).put("email", body.getValue("email"));
    Customer.Input input = Customer.parse(fields, partial);
    List<FieldError> errors = new ArrayList<>(input.errors());
    if (partial && fields.isEmpty()) {
      errors.add(new FieldError("/", "the patch must change at least one field"));
    }
    if (!errors.isEmpty()) {
      throw new BusFailure(BusFailure.BAD_REQUEST, "the customer is invalid", errors);
    }
    Integer ifMatch = body.getInteger("ifMatch");
    return repo.update(id, input.name(), input.email(), ifMatch)
      .compose(c -> c != null ? Future.succeededFuture(c.toJson()) : missOrStale(id))
      .onSuccess(c -> changed(id, "updated"));
  }

  /** Runs of a customer delete's transaction when PostgreSQL rolls it back to break a deadlock. */
  static final int DELETE_ATTEMPTS = 3;

  private Future<JsonObject> delete(Message<JsonObject> msg) {
    UUID id = id(msg);
    Integer ifMatch = Fields.body(msg).getInteger("ifMatch");
    // Favorites and jobs reference the customer with ON DELETE CASCADE. Its pending adds are cancelled first, in the
    // same transaction: that waits for a store of them in progress (rather than deadlocking with it on the job and
    // customer rows), and whoever waits for them hears "cancelled" (their rows then go with the customer).
    // Nothing deleted (unknown, or another version): the transaction rolls back, the cancels with it.
    return deleteInTransaction(id, ifMatch, DELETE_ATTEMPTS)
      .compose(cancelled -> {
        cancelled.forEach(j -> vertx.eventBus().publish(Addresses.jobCompleted(j.id().toString()), j.toJson()));
        return Future.succeededFuture(new JsonObject().put("id", id.toString()).put("deleted", true));
      }, err -> err == NOT_DELETED ? missOrStale(id) : Future.failedFuture(err))
      .onSuccess(r -> changed(id, "deleted"));
  }

  /**
   * The delete's transaction, run again when PostgreSQL breaks a deadlock by rolling it back. One is possible: an add
   * accepted after the cancel read the customer's pending jobs, and stored by the job worker at that moment, holds its
   * job row (which the cascade must delete) while it waits for the customer row (which the DELETE holds). Run again,
   * the cancel sees that job too.
   */
  private Future<List<Job>> deleteInTransaction(UUID id, Integer ifMatch, int attemptsLeft) {
    return pool.withTransaction(tx -> JobRepository.cancelPending(tx, id, null)
        .compose(cancelled -> CustomerRepository.delete(tx, id, ifMatch)
          .compose(n -> n > 0 ? Future.succeededFuture(cancelled) : Future.<List<Job>>failedFuture(NOT_DELETED))))
      .recover(err -> {
        if (attemptsLeft > 1 && DbErrors.isRetryable(err)) {
          LOG.info("deleting customer {}: {} (SQLSTATE {}), running the transaction again", id, err.getMessage(),
            DbErrors.sqlState(err));
          return deleteInTransaction(id, ifMatch, attemptsLeft - 1);
        }
        return Future.failedFuture(err);
      });
  }

  /**
   * Tells every node (edge caches, read routing, other services) that this customer's data changed; this node's reads
   * of it go to the primary at once, before the reply leaves.
   */
  private void changed(UUID id, String change) {
    reads.changed(id.toString());
    reads.changed(Pins.CUSTOMERS);
    vertx.eventBus().publish(Addresses.CUSTOMERS_CHANGED, new JsonObject().put("customerId", id.toString())
      .put("change", change).put("at", java.time.Instant.now().toString()));
  }

  private Future<JsonObject> list(Message<JsonObject> msg) {
    JsonObject body = Fields.body(msg);
    int limit = Paging.limit(body);
    String email = body.getString("email");
    if (email != null) {
      String lookup = Customer.lookupEmail(email);
      return reads.read(Pins.CUSTOMERS, p -> new CustomerRepository(p).findByEmail(lookup), c -> c == null)
        .map(c -> new JsonObject()
        .put("items", c == null ? new JsonArray() : new JsonArray().add(c.toJson())).putNull("nextCursor"));
    }
    Long afterSeq = Cursor.read(body.getString("cursor"),
      key -> key.size() == 1 && key.getValue(0) instanceof Number n ? n.longValue() : null);
    long after = afterSeq == null ? 0 : afterSeq;
    return reads.read(Pins.CUSTOMERS, p -> new CustomerRepository(p).page(after, limit + 1)).map(rows -> {
      JsonArray items = new JsonArray();
      for (int i = 0; i < Math.min(limit, rows.size()); i++) {
        items.add(rows.get(i).toJson());
      }
      String next = rows.size() > limit ? Cursor.encode(new JsonArray().add(rows.get(limit - 1).seq())) : null;
      return new JsonObject().put("items", items).put("nextCursor", next);
    });
  }

  /**
   * A failed statement as the caller sees it: 409 for a taken email; 400 for data the database refuses (SQLSTATE
   * class 22: validation should have caught it first, so it is logged, as a warning); else 503.
   */
  static BusFailure storageFailure(Throwable err) {
    if (DbErrors.is(err, DbErrors.UNIQUE_VIOLATION)) {
      return new BusFailure(BusFailure.CONFLICT, "a customer with this email already exists");
    }
    if (DbErrors.isDataException(err)) {
      // SQLSTATE only: PostgreSQL's message for a refused value may quote it (an email, a name).
      LOG.warn("the database refused a value of a customer request (SQLSTATE {}, {})", DbErrors.sqlState(err),
        err.getClass().getSimpleName());
      return new BusFailure(BusFailure.BAD_REQUEST, "the request holds a value that cannot be stored");
    }
    LOG.warn("customer storage failed (SQLSTATE {}): {}", DbErrors.sqlState(err), err.toString());
    return new BusFailure(BusFailure.UNAVAILABLE, "customer storage is unavailable");
  }

  private Future<JsonObject> missOrStale(UUID id) {
    return repo.exists(id).compose(exists -> exists
      ? BusFailure.<JsonObject>fail(BusFailure.PRECONDITION_FAILED, "customer " + id + " has changed (ETag mismatch)")
      : notFound(id));
  }

  private static Future<JsonObject> notFound(UUID id) {
    return BusFailure.fail(BusFailure.NOT_FOUND, "customer " + id + " not found");
  }

  private static UUID id(Message<JsonObject> msg) {
    return Fields.uuid(msg, "id", "invalid customer id");
  }
}
