package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.config.JobsConfig;
import com.favoriteproducts.favorite.JobRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes finished jobs (done or failed, not dead) older than JOBS_RETENTION_HOURS, every JOBS_RETENTION_INTERVAL_MS:
 * statements of at most JOBS_RETENTION_BATCH_SIZE rows with JOBS_RETENTION_PAUSE_MS between them, until none is left,
 * so that retention keeps up with any add rate (each statement is short: it holds few locks and little WAL at once).
 * One run at a time in the whole cluster: a run holds a PostgreSQL advisory lock (session level, on the connection it
 * deletes with; released with it, also when the node dies), and a run that does not get it does nothing (another node
 * is deleting). Event-loop confined.
 */
final class JobRetention {

  private static final Logger LOG = LoggerFactory.getLogger(JobRetention.class);
  /** The advisory lock key of retention (any bigint; this one is "favjobs" in ASCII). */
  static final long LOCK_KEY = 0x6661766a6f6273L;

  private final Vertx vertx;
  private final Pool pool;
  private final JobsConfig cfg;
  private boolean running;

  JobRetention(Vertx vertx, Pool pool, JobsConfig cfg) {
    this.vertx = vertx;
    this.pool = pool;
    this.cfg = cfg;
  }

  /** One run: how many jobs it deleted, or -1 when it did not run (a run is going on here or on another node). */
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
          LOG.info("deleted {} finished jobs older than {} h", ar.result(), cfg.retentionHours());
        } else if (ar.failed()) {
          LOG.warn("job retention failed: {}", ar.cause().getMessage());
        }
      });
  }

  private Future<Long> deleteAll(SqlConnection conn, long deletedSoFar) {
    return JobRepository.deleteFinished(conn, cfg.retentionHours(), cfg.retentionBatchSize()).compose(n -> {
      long total = deletedSoFar + n;
      if (n < cfg.retentionBatchSize()) {
        return Future.succeededFuture(total);
      }
      return cfg.retentionPauseMs() == 0 ? deleteAll(conn, total)
        : vertx.timer(cfg.retentionPauseMs()).compose(t -> deleteAll(conn, total));
    });
  }
}
