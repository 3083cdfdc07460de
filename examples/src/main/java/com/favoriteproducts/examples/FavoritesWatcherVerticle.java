package com.favoriteproducts.examples;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An example of another service's verticle joining the favorite-products cluster: it reads a customer through the
 * documented {@code customers.get} address and follows {@code favorites.added} / {@code favorites.removed}.
 * It depends on nothing of the service but the addresses and JSON shapes of docs/event-bus.md.
 *
 * <p>Config: {@code customerId} (optional) — looked up once at start; the reply is kept in {@link #customer()}.
 * Every event received is kept in {@link #events()} and re-published locally on {@code example.favorites.seen}.
 */
public class FavoritesWatcherVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FavoritesWatcherVerticle.class);

  private final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private volatile JsonObject customer;

  @Override
  public Future<?> start() {
    MessageConsumer<JsonObject> added = vertx.eventBus().consumer("favorites.added",
      m -> seen("added", m.body()));
    MessageConsumer<JsonObject> removed = vertx.eventBus().consumer("favorites.removed",
      m -> seen("removed", m.body()));
    Future<?> subscribed = Future.all(added.completion(), removed.completion());
    String customerId = config().getString("customerId");
    if (customerId == null) {
      return subscribed;
    }
    return subscribed.compose(v -> vertx.eventBus().<JsonObject>request("customers.get",
        new JsonObject().put("id", customerId)))
      .onSuccess(reply -> {
        customer = reply.body();
        LOG.info("customer {} is {} <{}>", customerId, customer.getString("name"), customer.getString("email"));
      });
  }

  private void seen(String kind, JsonObject event) {
    JsonObject e = event.copy().put("kind", kind);
    events.add(e);
    LOG.info("favorite {}: customer {} product {} at {}", kind, event.getString("customerId"),
      event.getString("productId"), event.getString("at"));
    vertx.eventBus().publish("example.favorites.seen", e);
  }

  public JsonObject customer() {
    return customer;
  }

  public List<JsonObject> events() {
    return events;
  }
}
