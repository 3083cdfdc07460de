package com.favoriteproducts.webhook;

import com.favoriteproducts.bus.Addresses;
import io.vertx.core.Vertx;

/**
 * The webhook outbox as the writers of favorites see it: the start of the INSERT that their own statement completes
 * (in the transaction of the change, so a delivery exists exactly when the change is committed), and the wake-up
 * they publish after a commit that wrote deliveries.
 */
public final class Outbox {

  /** Followed by a SELECT of (id, webhook_id, event_id, event_type, customer_id, product_id, event_at). */
  public static final String INSERT = "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, customer_id,"
    + " product_id, event_at)";

  private Outbox() {
  }

  /**
   * Tells the dispatchers (every node's) that deliveries were committed: they claim at once instead of at their next
   * poll. Only a hint: a lost wake-up costs at most WEBHOOKS_POLL_MS.
   */
  public static void wake(Vertx vertx, long deliveries) {
    if (deliveries > 0) {
      vertx.eventBus().publish(Addresses.WEBHOOKS_WAKE, deliveries);
    }
  }
}
