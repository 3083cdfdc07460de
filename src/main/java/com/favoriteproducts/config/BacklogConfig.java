package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.longValue;

/**
 * The job backlog gauges (JOBS_BACKLOG_* keys).
 *
 * @param intervalMs JOBS_BACKLOG_INTERVAL_MS: how often a job worker counts the pending jobs (0 = never: no gauges)
 * @param scanLimit  JOBS_BACKLOG_SCAN_LIMIT: the most pending jobs one count reads; a larger backlog shows as this
 *                   number (and the oldest among those read), so the count's cost stays bounded
 */
public record BacklogConfig(long intervalMs, int scanLimit) {

  public static BacklogConfig from(JsonObject c) {
    long interval = longValue(c, "JOBS_BACKLOG_INTERVAL_MS", 15_000);
    int limit = integer(c, "JOBS_BACKLOG_SCAN_LIMIT", 100_000);
    if (interval != 0 && interval < 100) {
      throw new IllegalArgumentException("configuration JOBS_BACKLOG_INTERVAL_MS must be 0 (off) or at least 100, got "
        + interval);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("configuration JOBS_BACKLOG_SCAN_LIMIT must be at least 1, got " + limit);
    }
    return new BacklogConfig(interval, limit);
  }
}
