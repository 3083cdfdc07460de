package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;

import static com.favoriteproducts.config.AppConfig.delaysMs;
import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.longValue;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * Favorites and add-job settings (FAVORITES_* and JOBS_* keys).
 *
 * @param maxPerCustomer     cap on favorites (stored plus pending adds) per customer
 * @param waitMaxSeconds     the longest {@code Prefer: wait} honoured
 * @param listProductsTimeoutMs how long a listing waits for {@code products.getMany} before serving snapshots
 * @param prefetch           unacknowledged job messages per consumer
 * @param maxAttempts        attempts before a job is dead-lettered
 * @param retryDelaysMs      delay after attempt 1, 2, ...; the last one repeats
 * @param productTimeoutMs   how long one attempt waits for {@code products.get}
 * @param sweepIntervalMs    how often the sweeper looks for jobs to republish
 * @param unpublishedAfterMs a job whose publication RabbitMQ never confirmed is republished after this long
 * @param staleAfterMs       a published job still pending this long after it was due is republished
 * @param retentionHours     finished (done or failed, not dead) jobs are deleted after this many hours
 * @param invalidProductMaxAttempts JOBS_INVALID_PRODUCT_MAX_ATTEMPTS: a job whose product cannot be stored (refused
 *                           data, or its store failing) ends {@code invalid_product} once it has made this many
 *                           attempts
 * @param retentionIntervalMs JOBS_RETENTION_INTERVAL_MS: how often retention runs (each run deletes until none is left)
 * @param retentionBatchSize JOBS_RETENTION_BATCH_SIZE: finished jobs deleted per statement
 * @param retentionPauseMs   JOBS_RETENTION_PAUSE_MS: pause between two retention statements
 * @param synchronousCommit  JOBS_SYNCHRONOUS_COMMIT: PostgreSQL {@code synchronous_commit} of the job worker's writes
 */
public record JobsConfig(int maxPerCustomer, int waitMaxSeconds, long listProductsTimeoutMs, int prefetch,
                         int maxAttempts, List<Long> retryDelaysMs, long productTimeoutMs, long sweepIntervalMs,
                         long unpublishedAfterMs, long staleAfterMs, int retentionHours, int invalidProductMaxAttempts,
                         long retentionIntervalMs, int retentionBatchSize, long retentionPauseMs,
                         String synchronousCommit) {

  /** The values PostgreSQL accepts for {@code synchronous_commit}. */
  private static final List<String> SYNCHRONOUS_COMMIT = List.of("on", "off", "local", "remote_write", "remote_apply");

  public static final String DEFAULT_RETRY_DELAYS = "1000,5000,30000,120000,300000,600000";

  public static JobsConfig from(JsonObject c) {
    JobsConfig cfg = new JobsConfig(integer(c, "FAVORITES_MAX_PER_CUSTOMER", 10_000),
      integer(c, "FAVORITES_WAIT_MAX_SECONDS", 30), longValue(c, "FAVORITES_LIST_PRODUCTS_TIMEOUT_MS", 3000),
      integer(c, "JOBS_PREFETCH", 50), integer(c, "JOBS_MAX_ATTEMPTS", 12),
      delaysMs(c, "JOBS_RETRY_DELAYS_MS", DEFAULT_RETRY_DELAYS), longValue(c, "JOBS_PRODUCT_TIMEOUT_MS", 10_000),
      longValue(c, "JOBS_SWEEP_INTERVAL_MS", 5000), longValue(c, "JOBS_UNPUBLISHED_AFTER_MS", 5000),
      longValue(c, "JOBS_STALE_AFTER_MS", 300_000), integer(c, "JOBS_RETENTION_HOURS", 168),
      integer(c, "JOBS_INVALID_PRODUCT_MAX_ATTEMPTS", 3), longValue(c, "JOBS_RETENTION_INTERVAL_MS", 600_000),
      integer(c, "JOBS_RETENTION_BATCH_SIZE", 5000), longValue(c, "JOBS_RETENTION_PAUSE_MS", 50),
      str(c, "JOBS_SYNCHRONOUS_COMMIT", "on").trim().toLowerCase(Locale.ROOT));
    if (cfg.maxPerCustomer < 1 || cfg.prefetch < 1 || cfg.maxAttempts < 1 || cfg.sweepIntervalMs < 10
      || cfg.invalidProductMaxAttempts < 1 || cfg.retentionBatchSize < 1 || cfg.retentionBatchSize > 100_000) {
      throw new IllegalArgumentException("FAVORITES_MAX_PER_CUSTOMER, JOBS_PREFETCH, JOBS_MAX_ATTEMPTS,"
        + " JOBS_INVALID_PRODUCT_MAX_ATTEMPTS must be >= 1, JOBS_RETENTION_BATCH_SIZE 1..100000"
        + " and JOBS_SWEEP_INTERVAL_MS >= 10");
    }
    if (cfg.retentionIntervalMs < 10 || cfg.retentionPauseMs < 0) {
      throw new IllegalArgumentException("JOBS_RETENTION_INTERVAL_MS must be >= 10 and JOBS_RETENTION_PAUSE_MS >= 0");
    }
    if (!SYNCHRONOUS_COMMIT.contains(cfg.synchronousCommit)) {
      throw new IllegalArgumentException("JOBS_SYNCHRONOUS_COMMIT must be one of " + SYNCHRONOUS_COMMIT + ", got '"
        + cfg.synchronousCommit + "'");
    }
    return cfg;
  }

  /** The delay before attempt {@code nextAttempt} (2 for the first retry). */
  public long delayBefore(int nextAttempt) {
    int i = Math.max(0, Math.min(nextAttempt - 2, retryDelaysMs.size() - 1));
    return retryDelaysMs.get(i);
  }

  /** The total time a job may wait between attempts before it is dead-lettered. */
  public long retryWindowMs() {
    long total = 0;
    for (int next = 2; next <= maxAttempts; next++) {
      total += delayBefore(next);
    }
    return total;
  }
}
