package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.config.JobsConfig;
import com.favoriteproducts.db.BatchedRetention;
import com.favoriteproducts.favorite.JobRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * Deletes finished jobs (done or failed, not dead) older than JOBS_RETENTION_HOURS, every JOBS_RETENTION_INTERVAL_MS:
 * statements of at most JOBS_RETENTION_BATCH_SIZE rows with JOBS_RETENTION_PAUSE_MS between them, until none is left,
 * one run at a time in the cluster ({@link BatchedRetention}). Event-loop confined.
 */
final class JobRetention {

  /** The advisory lock key of retention (any bigint; this one is "favjobs" in ASCII). */
  static final long LOCK_KEY = 0x6661766a6f6273L;

  private final BatchedRetention retention;

  JobRetention(Vertx vertx, Pool pool, JobsConfig cfg) {
    this.retention = new BatchedRetention(vertx, pool, "finished jobs older than " + cfg.retentionHours() + " h",
      LOCK_KEY, cfg.retentionBatchSize(), cfg.retentionPauseMs(),
      (conn, limit) -> JobRepository.deleteFinished(conn, cfg.retentionHours(), limit));
  }

  /** One run: how many jobs it deleted, or -1 when it did not run (a run is going on here or on another node). */
  Future<Long> run() {
    return retention.run();
  }
}
