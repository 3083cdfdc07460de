package com.favoriteproducts.webhook;

import com.favoriteproducts.config.WebhooksConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes delivered and failed webhook deliveries created more than WEBHOOKS_RETENTION_HOURS ago, every
 * WEBHOOKS_RETENTION_INTERVAL_MS, in statements of at most WEBHOOKS_RETENTION_BATCH_SIZE rows until none is left (the
 * pattern of the jobs' retention): one run at a time in the cluster, under a PostgreSQL advisory lock. Pending
 * deliveries are never deleted here (a webhook's deletion takes them). Event-loop confined.
 */
final class DeliveryRetention {

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryRetention.class);
  /** "webhooks" in ASCII. */
  static final long LOCK_KEY = 0x776562686f6f6b73L;

  private final Vertx vertx;
  private final Pool pool;
  private final WebhooksConfig cfg;
  private boolean running;

  DeliveryRetention(Vertx vertx, Pool pool, WebhooksConfig cfg) {
    this.vertx = vertx;
    this.pool = pool;
    this.cfg = cfg;
  }

  /** One run: how many deliveries it deleted, or -1 when it did not run (one is going on here or elsewhere). */
  Future<Long> run() {
    if (running) {
      return Future.succeededFuture(-1L);
    }
    running = true;
    return pool.withConnection(conn -> conn.preparedQuery("SELECT pg_try_advisory_lock($1)")
        .execute(Tuple.of(LOCK_KEY))
        .compose(rs -> !rs.iterator().next().getBoolean(0) ? Future.succeededFuture(-1L)
          : deleteAll(conn, 0).eventually(() -> conn.preparedQuery("SELECT pg_advisory_unlock($1)")
            .execute(Tuple.of(LOCK_KEY)))))
      .andThen(ar -> {
        running = false;
        if (ar.succeeded() && ar.result() > 0) {
          LOG.info("deleted {} finished webhook deliveries older than {} h", ar.result(), cfg.retentionHours());
        } else if (ar.failed()) {
          LOG.warn("webhook delivery retention failed: {}", ar.cause().getMessage());
        }
      });
  }

  private Future<Long> deleteAll(SqlConnection conn, long deletedSoFar) {
    return WebhookRepository.deleteFinished(conn, cfg.retentionHours(), cfg.retentionBatchSize()).compose(n -> {
      long total = deletedSoFar + n;
      return n < cfg.retentionBatchSize() ? Future.succeededFuture(total)
        : vertx.timer(50).compose(t -> deleteAll(conn, total));
    });
  }
}
