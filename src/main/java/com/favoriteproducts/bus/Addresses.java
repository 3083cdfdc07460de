package com.favoriteproducts.bus;

/**
 * Every event-bus address of the service, in one place. Requests and replies are JSON objects; see
 * {@code docs/event-bus.md} for each address's request, reply and failure codes.
 */
public final class Addresses {

  private Addresses() {
  }

  public static final String CUSTOMERS_CREATE = "customers.create";
  public static final String CUSTOMERS_GET = "customers.get";
  public static final String CUSTOMERS_UPDATE = "customers.update";
  public static final String CUSTOMERS_PATCH = "customers.patch";
  public static final String CUSTOMERS_DELETE = "customers.delete";
  public static final String CUSTOMERS_LIST = "customers.list";
  public static final String CUSTOMERS_HEALTH = "customers.health";
  /** Published (not request-reply) after a customer is updated or deleted: {@code {customerId, change, at}}. */
  public static final String CUSTOMERS_CHANGED = "customers.changed";

  public static final String PRODUCTS_GET = "products.get";
  public static final String PRODUCTS_GET_MANY = "products.getMany";
  public static final String PRODUCTS_HEALTH = "products.health";

  // Favorites (FavoritesVerticle: PostgreSQL, the HTTP edge's API)
  public static final String FAVORITES_ADD = "favorites.add";
  public static final String FAVORITES_REMOVE = "favorites.remove";
  public static final String FAVORITES_GET = "favorites.get";
  public static final String FAVORITES_LIST = "favorites.list";
  /**
   * A request header of {@code favorites.list}: with the value {@link #REPLY_AS_JSON_BYTES} the reply is the same JSON
   * object as its UTF-8 text in a Buffer, for a caller that only forwards it (the HTTP edge): the page is written
   * once, straight to bytes, and crosses the event bus without a deep copy of its objects.
   */
  public static final String REPLY_AS = "reply-as";
  public static final String REPLY_AS_JSON_BYTES = "json-bytes";
  public static final String JOBS_GET = "jobs.get";

  // Add jobs (JobsVerticle: owns the RabbitMQ connection)
  /** Internal: the favorites verticle asks a jobs verticle to publish a job it has just stored (fire and forget). */
  public static final String JOBS_PUBLISH = "jobs.publish";
  public static final String JOBS_DEAD_LIST = "jobs.dead.list";
  public static final String JOBS_DEAD_REPLAY = "jobs.dead.replay";
  public static final String JOBS_HEALTH = "jobs.health";
  /** Internal: favorites events for the RabbitMQ fanout exchange, sent (point to point) to one jobs verticle. */
  public static final String FAVORITES_EVENTS_RELAY = "jobs.events.relay";

  // Webhooks (WebhooksVerticle: the admin API and the dispatcher)
  public static final String WEBHOOKS_CREATE = "webhooks.create";
  public static final String WEBHOOKS_LIST = "webhooks.list";
  public static final String WEBHOOKS_GET = "webhooks.get";
  public static final String WEBHOOKS_DELETE = "webhooks.delete";
  public static final String WEBHOOKS_ROTATE = "webhooks.rotate";
  public static final String WEBHOOKS_DELIVERIES = "webhooks.deliveries";
  /** Internal, published: deliveries were committed (the body is how many); the dispatchers claim at once. */
  public static final String WEBHOOKS_WAKE = "webhooks.wake";

  // Published events (publish/subscribe)
  /** {@code jobs.completed.<jobId>}: published when a job is done or failed; the job as {@link #JOBS_GET} returns it. */
  public static final String JOBS_COMPLETED_PREFIX = "jobs.completed.";
  public static final String FAVORITES_ADDED = "favorites.added";
  public static final String FAVORITES_REMOVED = "favorites.removed";

  public static String jobCompleted(String jobId) {
    return JOBS_COMPLETED_PREFIX + jobId;
  }
}
