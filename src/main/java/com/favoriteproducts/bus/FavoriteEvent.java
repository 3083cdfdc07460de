package com.favoriteproducts.bus;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;

/**
 * A favorite added or removed, as it leaves the service: a CloudEvent 1.0 in structured JSON mode
 * ({@link #toCloudEvent()}) on the bridge ({@code favorites.events.<customerId>}), the RabbitMQ fanout exchange and in
 * webhooks; inside the cluster the older {@code favorites.added} / {@code favorites.removed} bodies stay as they were
 * ({@link #toInternal()}). One change is one event with one {@link #id}, wherever it goes.
 */
public record FavoriteEvent(UUID id, Kind kind, UUID customerId, UUID productId, Instant at) {

  public static final String SOURCE = "/favorite-products";
  public static final String SPEC_VERSION = "1.0";
  /** The content type of a structured-mode CloudEvent in JSON (RabbitMQ's content_type, an HTTP body's). */
  public static final String CONTENT_TYPE = "application/cloudevents+json";
  /** {@code favorites.events.<customerId>}: the CloudEvents of one customer, published cluster-wide. */
  public static final String ADDRESS_PREFIX = "favorites.events.";

  public enum Kind {
    ADDED("favorite.added", Addresses.FAVORITES_ADDED),
    REMOVED("favorite.removed", Addresses.FAVORITES_REMOVED);

    /** The name a webhook subscription uses ({@code favorite.added}). */
    public final String eventName;
    /** The internal event-bus address of the same event. */
    public final String internalAddress;

    Kind(String eventName, String internalAddress) {
      this.eventName = eventName;
      this.internalAddress = internalAddress;
    }

    /** The CloudEvents {@code type}: {@code com.favoriteproducts.favorite.added}. */
    public String cloudEventType() {
      return "com.favoriteproducts." + eventName;
    }

    /** The kind of a subscription's event name, or null. */
    public static Kind ofEventName(String name) {
      for (Kind k : values()) {
        if (k.eventName.equals(name)) {
          return k;
        }
      }
      return null;
    }

    /** The kind of a CloudEvents type, or null. */
    public static Kind ofCloudEventType(String type) {
      for (Kind k : values()) {
        if (k.cloudEventType().equals(type)) {
          return k;
        }
      }
      return null;
    }
  }

  public FavoriteEvent {
    if (id == null || kind == null || customerId == null || productId == null || at == null) {
      throw new IllegalArgumentException("every field of a favorite event is required");
    }
    // Microseconds: what PostgreSQL's timestamptz keeps, so an event read back from the outbox is the same event.
    at = at.truncatedTo(ChronoUnit.MICROS);
  }

  /** A new event, now, with a fresh id. */
  public static FavoriteEvent now(Kind kind, UUID customerId, UUID productId) {
    return new FavoriteEvent(UUID.randomUUID(), kind, customerId, productId, Instant.now());
  }

  /** {@code favorites.events.<customerId>} (lower case, as the service writes ids). */
  public static String address(UUID customerId) {
    return ADDRESS_PREFIX + customerId.toString().toLowerCase(Locale.ROOT);
  }

  /**
   * Publishes the event inside the cluster, once the change is committed: the internal body on {@code favorites.added}
   * or {@code favorites.removed}, the CloudEvent on {@code favorites.events.<customerId>} (the bridge's). The RabbitMQ
   * fanout is the jobs verticle's ({@code jobs.events.relay}); webhooks come from the outbox.
   */
  public void publish(EventBus bus) {
    bus.publish(kind.internalAddress, toInternal());
    bus.publish(address(customerId), toCloudEvent());
  }

  /** The body of {@code favorites.added} / {@code favorites.removed}: {@code {customerId, productId, at}}. */
  public JsonObject toInternal() {
    return new JsonObject().put("customerId", customerId.toString()).put("productId", productId.toString())
      .put("at", at.toString());
  }

  /** The CloudEvent 1.0, structured JSON mode; {@code data} is {@link #toInternal()}. */
  public JsonObject toCloudEvent() {
    return new JsonObject()
      .put("specversion", SPEC_VERSION)
      .put("id", id.toString())
      .put("source", SOURCE)
      .put("type", kind.cloudEventType())
      .put("subject", customerId.toString())
      .put("time", at.toString())
      .put("datacontenttype", "application/json")
      .put("data", toInternal());
  }

  /** Reads back a CloudEvent this class wrote (the relay's message); throws IllegalArgumentException otherwise. */
  public static FavoriteEvent fromCloudEvent(JsonObject ce) {
    try {
      Kind kind = Kind.ofCloudEventType(ce.getString("type"));
      JsonObject data = ce.getJsonObject("data");
      if (kind == null || data == null) {
        throw new IllegalArgumentException("not a favorite event");
      }
      return new FavoriteEvent(UUID.fromString(ce.getString("id")), kind, UUID.fromString(data.getString("customerId")),
        UUID.fromString(data.getString("productId")), Instant.parse(data.getString("at")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a favorite event: " + e.getMessage(), e);
    }
  }
}
