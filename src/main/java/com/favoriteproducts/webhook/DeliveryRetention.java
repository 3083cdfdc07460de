package com.favoriteproducts.webhook;

import com.favoriteproducts.config.WebhooksConfig;
import com.favoriteproducts.db.BatchedRetention;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * Deletes delivered and failed webhook deliveries created more than WEBHOOKS_RETENTION_HOURS ago, every
 * WEBHOOKS_RETENTION_INTERVAL_MS, in statements of at most WEBHOOKS_RETENTION_BATCH_SIZE rows (50 ms apart) until none
 * is left, one run at a time in the cluster ({@link BatchedRetention}, as the jobs' retention). Pending deliveries are
 * never deleted here (a webhook's deletion takes them). Event-loop confined.
 */
final class DeliveryRetention {

  /** "webhooks" in ASCII. */
  static final long LOCK_KEY = 0x776562686f6f6b73L;
  private static final long PAUSE_MS = 50;

  private final BatchedRetention retention;

  DeliveryRetention(Vertx vertx, Pool pool, WebhooksConfig cfg) {
    this.retention = new BatchedRetention(vertx, pool,
      "finished webhook deliveries older than " + cfg.retentionHours() + " h", LOCK_KEY, cfg.retentionBatchSize(),
      PAUSE_MS, (conn, limit) -> WebhookRepository.deleteFinished(conn, cfg.retentionHours(), limit));
  }

  /** One run: how many deliveries it deleted, or -1 when it did not run (one is going on here or elsewhere). */
  Future<Long> run() {
    return retention.run();
  }
}
