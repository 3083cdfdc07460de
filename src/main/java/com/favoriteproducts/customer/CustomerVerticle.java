package com.favoriteproducts.customer;

import com.favoriteproducts.Addresses;
import com.favoriteproducts.BusHandlers;
import com.favoriteproducts.DomainException;
import com.favoriteproducts.Failures;
import com.favoriteproducts.config.PgConfig;
import com.favoriteproducts.db.Cursor;
import com.favoriteproducts.db.DbErrors;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** Customer persistence behind the {@code customers.*} event-bus addresses. No HTTP here. */
public class CustomerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CustomerVerticle.class);
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  private Pool pool;
  private CustomerRepository repo;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  @Override
  public Future<?> start() {
    PgConfig pg = PgConfig.from(config());
    pool = PgBuilder.pool().with(pg.poolOptions("customers-" + UUID.randomUUID())).connectingTo(pg.connectOptions())
      .using(vertx).build();
    repo = new CustomerRepository(pool);
    EventBus bus = vertx.eventBus();
    register(bus, Addresses.CUSTOMERS_CREATE, this::create);
    register(bus, Addresses.CUSTOMERS_GET, this::get);
    register(bus, Addresses.CUSTOMERS_UPDATE, m -> update(m, false));
    register(bus, Addresses.CUSTOMERS_PATCH, m -> update(m, true));
    register(bus, Addresses.CUSTOMERS_DELETE, this::delete);
    register(bus, Addresses.CUSTOMERS_LIST, this::list);
    register(bus, Addresses.CUSTOMERS_HEALTH,
      m -> pool.query("SELECT 1").execute().map(rs -> new JsonObject().put("status", "UP")));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return BusHandlers.drain(vertx, consumers, config())
      .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  private void register(EventBus bus, String address, Function<Message<JsonObject>, Future<JsonObject>> handler) {
    BusHandlers.register(bus, consumers, address, LOG, handler, err -> DbErrors.is(err, DbErrors.UNIQUE_VIOLATION)
      ? new DomainException(Failures.CONFLICT, "a customer with this email already exists")
      : new DomainException(Failures.UNAVAILABLE, "customer storage is unavailable"));
  }

  private Future<JsonObject> create(Message<JsonObject> msg) {
    JsonObject body = body(msg);
    JsonArray errors = Customer.validate(body, false);
    if (!errors.isEmpty()) {
      Failures.invalid(msg, "the customer is invalid", errors);
      return Future.succeededFuture();
    }
    return repo.insert(UUID.randomUUID(), Customer.normalizeName(body.getString("name")),
      Customer.normalizeEmail(body.getString("email"))).map(Customer::toJson);
  }

  private Future<JsonObject> get(Message<JsonObject> msg) {
    UUID id = id(msg);
    if (id == null) {
      return Future.succeededFuture();
    }
    return repo.find(id).compose(c -> c == null ? notFound(id) : Future.succeededFuture(c.toJson()));
  }

  private Future<JsonObject> update(Message<JsonObject> msg, boolean partial) {
    UUID id = id(msg);
    if (id == null) {
      return Future.succeededFuture();
    }
    JsonObject body = body(msg);
    JsonObject fields = partial ? body.getJsonObject("patch", new JsonObject()) : new JsonObject()
      .put("name", body.getValue("name")).put("email", body.getValue("email"));
    JsonArray errors = Customer.validate(fields, partial);
    if (partial && fields.isEmpty()) {
      errors.add(new JsonObject().put("field", "/").put("message", "the patch must change at least one field"));
    }
    if (!errors.isEmpty()) {
      Failures.invalid(msg, "the customer is invalid", errors);
      return Future.succeededFuture();
    }
    String name = fields.getString("name") == null ? null : Customer.normalizeName(fields.getString("name"));
    String email = fields.getString("email") == null ? null : Customer.normalizeEmail(fields.getString("email"));
    Integer ifMatch = body.getInteger("ifMatch");
    return repo.update(id, name, email, ifMatch)
      .compose(c -> c != null ? Future.succeededFuture(c.toJson()) : missOrStale(id))
      .onSuccess(c -> changed(id, "updated"));
  }

  private Future<JsonObject> delete(Message<JsonObject> msg) {
    UUID id = id(msg);
    if (id == null) {
      return Future.succeededFuture();
    }
    Integer ifMatch = body(msg).getInteger("ifMatch");
    // Favorites and pending jobs reference the customer with ON DELETE CASCADE: one statement, one transaction.
    return pool.withTransaction(tx -> CustomerRepository.delete(tx, id, ifMatch))
      .compose(n -> n > 0 ? Future.succeededFuture(new JsonObject().put("id", id.toString()).put("deleted", true))
        : missOrStale(id))
      .onSuccess(r -> changed(id, "deleted"));
  }

  /** Tells every node (edge caches, other services) that this customer's data changed. */
  private void changed(UUID id, String change) {
    vertx.eventBus().publish(Addresses.CUSTOMERS_CHANGED, new JsonObject().put("customerId", id.toString())
      .put("change", change).put("at", java.time.Instant.now().toString()));
  }

  private Future<JsonObject> list(Message<JsonObject> msg) {
    JsonObject body = body(msg);
    int limit = body.getInteger("limit", DEFAULT_LIMIT);
    if (limit < 1 || limit > MAX_LIMIT) {
      Failures.invalid(msg, "invalid query", "limit", "must be between 1 and " + MAX_LIMIT);
      return Future.succeededFuture();
    }
    String email = body.getString("email");
    if (email != null) {
      return repo.findByEmail(email.strip()).map(c -> new JsonObject()
        .put("items", c == null ? new JsonArray() : new JsonArray().add(c.toJson())).putNull("nextCursor"));
    }
    long after = 0;
    String cursor = body.getString("cursor");
    if (cursor != null) {
      JsonArray key = Cursor.decode(cursor);
      if (key == null || key.size() != 1 || !(key.getValue(0) instanceof Number)) {
        Failures.invalid(msg, "invalid query", "cursor", "is not a cursor this service issued");
        return Future.succeededFuture();
      }
      after = key.getLong(0);
    }
    return repo.page(after, limit + 1).map(rows -> {
      JsonArray items = new JsonArray();
      for (int i = 0; i < Math.min(limit, rows.size()); i++) {
        items.add(rows.get(i).toJson());
      }
      String next = rows.size() > limit ? Cursor.encode(new JsonArray().add(rows.get(limit - 1).seq())) : null;
      return new JsonObject().put("items", items).put("nextCursor", next);
    });
  }

  private Future<JsonObject> missOrStale(UUID id) {
    return repo.exists(id).compose(exists -> exists
      ? DomainException.<JsonObject>fail(Failures.PRECONDITION_FAILED, "customer " + id + " has changed (ETag mismatch)")
      : notFound(id));
  }

  private static Future<JsonObject> notFound(UUID id) {
    return DomainException.fail(Failures.NOT_FOUND, "customer " + id + " not found");
  }

  private static JsonObject body(Message<JsonObject> msg) {
    return msg.body() == null ? new JsonObject() : msg.body();
  }

  private static UUID id(Message<JsonObject> msg) {
    String raw = body(msg).getString("id");
    try {
      return UUID.fromString(raw);
    } catch (RuntimeException e) {
      Failures.invalid(msg, "invalid customer id", "id", "must be a UUID");
      return null;
    }
  }
}
