package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.config.BacklogConfig;
import com.favoriteproducts.metrics.AppMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;

/**
 * The backlog of add jobs as gauges, counted on the primary every JOBS_BACKLOG_INTERVAL_MS:
 * {@code favorites_jobs_pending} (pending jobs, at most JOBS_BACKLOG_SCAN_LIMIT) and
 * {@code favorites_jobs_oldest_pending_seconds} (the age of the oldest pending job read; 0 when none). Every job worker
 * counts the same table, so across nodes take the {@code max}. Until the first count, and after a count fails, the
 * gauges are NaN (no data), never a stale 0. Event-loop confined; one count at a time.
 */
final class JobBacklog {

  private static final Logger LOG = LoggerFactory.getLogger(JobBacklog.class);
  // The partial index favorite_jobs_due (status = 'pending') serves the scan; LIMIT bounds it.
  private static final String COUNT = "SELECT count(*) AS n, min(created_at) AS oldest FROM "
    + "(SELECT created_at FROM favorite_jobs WHERE status = 'pending' LIMIT $1) p";

  private final Vertx vertx;
  private final Pool pool;
  private final BacklogConfig cfg;
  private final AppMetrics.Registration pendingGauge;
  private final AppMetrics.Registration ageGauge;
  private volatile double pending = Double.NaN;
  private volatile double oldestSeconds = Double.NaN;
  private long timer = -1;
  private boolean counting;

  JobBacklog(Vertx vertx, Pool pool, BacklogConfig cfg, AppMetrics metrics) {
    this.vertx = vertx;
    this.pool = pool;
    this.cfg = cfg;
    boolean on = cfg.intervalMs() > 0;
    pendingGauge = on ? metrics.maxGauge("favorites_jobs_pending",
      "Add jobs pending (accepted, not yet stored or failed), at most JOBS_BACKLOG_SCAN_LIMIT", () -> pending)
      : AppMetrics.NOTHING;
    ageGauge = on ? metrics.maxGauge("favorites_jobs_oldest_pending_seconds",
      "Age of the oldest pending add job (0 when none is pending)", () -> oldestSeconds) : AppMetrics.NOTHING;
  }

  /** Counts now, then every interval (nothing when the interval is 0). */
  void start() {
    if (cfg.intervalMs() > 0) {
      count();
      timer = vertx.setPeriodic(cfg.intervalMs(), t -> count());
    }
  }

  Future<Void> count() {
    if (counting) {
      return Future.succeededFuture();
    }
    counting = true;
    return pool.preparedQuery(COUNT).execute(Tuple.of(cfg.scanLimit())).map(rows -> {
      Row r = rows.iterator().next();
      OffsetDateTime oldest = r.getOffsetDateTime("oldest");
      pending = r.getLong("n");
      oldestSeconds = oldest == null ? 0
        : Math.max(0, (System.currentTimeMillis() - oldest.toInstant().toEpochMilli()) / 1000.0);
      return (Void) null;
    }).onFailure(err -> {
      pending = Double.NaN;
      oldestSeconds = Double.NaN;
      LOG.debug("could not count the pending jobs: {}", err.getMessage());
    }).eventually(() -> {
      counting = false;
      return Future.succeededFuture();
    });
  }

  void stop() {
    vertx.cancelTimer(timer);
    pendingGauge.remove();
    ageGauge.remove();
  }
}
