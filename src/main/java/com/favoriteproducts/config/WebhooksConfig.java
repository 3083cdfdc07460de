package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.favoriteproducts.config.AppConfig.bool;
import static com.favoriteproducts.config.AppConfig.delaysMs;
import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.longValue;

/**
 * Webhook settings (WEBHOOKS_* keys).
 *
 * @param allowPrivateTargets  WEBHOOKS_ALLOW_PRIVATE_TARGETS: accept (and deliver to) loopback, private, link-local and
 *                             other non-public addresses; off in production, on for {@code make run} and the tests
 * @param timeoutMs            WEBHOOKS_TIMEOUT_MS: connect, idle and total time of one attempt (a 2xx within it is success)
 * @param retryDelaysMs        WEBHOOKS_RETRY_DELAYS_MS: the delay after failed attempt 1, 2, ...; after the last one the
 *                             delivery is failed (so there are {@code size + 1} attempts)
 * @param pollMs               WEBHOOKS_POLL_MS: how often a dispatcher looks for due deliveries (a commit that wrote
 *                             deliveries also wakes it at once)
 * @param maxInFlight          WEBHOOKS_MAX_IN_FLIGHT: attempts in progress per dispatcher (verticle instance)
 * @param maxInFlightPerWebhook WEBHOOKS_MAX_IN_FLIGHT_PER_WEBHOOK: of those, at most this many to one webhook
 * @param rotationGraceSeconds WEBHOOKS_ROTATION_GRACE_SECONDS: after a rotation, deliveries are signed with the old
 *                             secret too for this long
 * @param maxWebhooks          WEBHOOKS_MAX_COUNT: webhooks that may be registered (each add writes one row per webhook)
 * @param retentionHours       WEBHOOKS_RETENTION_HOURS: delivered and failed deliveries are deleted this long after
 *                             they were created
 * @param retentionIntervalMs  WEBHOOKS_RETENTION_INTERVAL_MS: how often retention runs
 * @param retentionBatchSize   WEBHOOKS_RETENTION_BATCH_SIZE: deliveries deleted per statement
 * @param dnsTimeoutMs         WEBHOOKS_DNS_TIMEOUT_MS: how long one name resolution may take
 */
public record WebhooksConfig(boolean allowPrivateTargets, long timeoutMs, List<Long> retryDelaysMs, long pollMs,
                             int maxInFlight, int maxInFlightPerWebhook, long rotationGraceSeconds, int maxWebhooks,
                             int retentionHours, long retentionIntervalMs, int retentionBatchSize, long dnsTimeoutMs) {

  /** 11 retries over about 29.7 h: the first within a minute, then growing to 8 h (Standard Webhooks asks >= 24 h). */
  public static final String DEFAULT_RETRY_DELAYS =
    "5000,30000,120000,600000,1800000,3600000,7200000,14400000,21600000,28800000,28800000";

  public static WebhooksConfig from(JsonObject c) {
    WebhooksConfig cfg = new WebhooksConfig(bool(c, "WEBHOOKS_ALLOW_PRIVATE_TARGETS", false),
      longValue(c, "WEBHOOKS_TIMEOUT_MS", 5000), delaysMs(c, "WEBHOOKS_RETRY_DELAYS_MS", DEFAULT_RETRY_DELAYS),
      longValue(c, "WEBHOOKS_POLL_MS", 1000), integer(c, "WEBHOOKS_MAX_IN_FLIGHT", 64),
      integer(c, "WEBHOOKS_MAX_IN_FLIGHT_PER_WEBHOOK", 4), longValue(c, "WEBHOOKS_ROTATION_GRACE_SECONDS", 86_400),
      integer(c, "WEBHOOKS_MAX_COUNT", 100), integer(c, "WEBHOOKS_RETENTION_HOURS", 168),
      longValue(c, "WEBHOOKS_RETENTION_INTERVAL_MS", 600_000), integer(c, "WEBHOOKS_RETENTION_BATCH_SIZE", 5000),
      longValue(c, "WEBHOOKS_DNS_TIMEOUT_MS", 2000));
    if (cfg.timeoutMs < 1 || cfg.pollMs < 10 || cfg.maxInFlight < 1 || cfg.maxInFlightPerWebhook < 1
      || cfg.rotationGraceSeconds < 0 || cfg.maxWebhooks < 1 || cfg.retentionHours < 0 || cfg.retentionIntervalMs < 10
      || cfg.retentionBatchSize < 1 || cfg.retentionBatchSize > 100_000 || cfg.dnsTimeoutMs < 1) {
      throw new IllegalArgumentException("WEBHOOKS_TIMEOUT_MS, WEBHOOKS_MAX_IN_FLIGHT, WEBHOOKS_MAX_IN_FLIGHT_PER_WEBHOOK,"
        + " WEBHOOKS_MAX_COUNT and WEBHOOKS_DNS_TIMEOUT_MS must be >= 1, WEBHOOKS_POLL_MS and"
        + " WEBHOOKS_RETENTION_INTERVAL_MS >= 10, WEBHOOKS_ROTATION_GRACE_SECONDS and WEBHOOKS_RETENTION_HOURS >= 0,"
        + " WEBHOOKS_RETENTION_BATCH_SIZE 1..100000");
    }
    return cfg;
  }

  /** Attempts a delivery makes before it is failed. */
  public int maxAttempts() {
    return retryDelaysMs.size() + 1;
  }

  /** The delay after failed attempt {@code attempt} (1 for the first), or -1 when it was the last. */
  public long delayAfter(int attempt) {
    return attempt >= 1 && attempt <= retryDelaysMs.size() ? retryDelaysMs.get(attempt - 1) : -1;
  }

  /** From the first attempt to the last, when every attempt fails. */
  public long retryWindowMs() {
    return retryDelaysMs.stream().mapToLong(Long::longValue).sum();
  }

  /** The lease of a claimed delivery: two attempt timeouts (resolution and request each bounded by one). */
  public long leaseMs() {
    return 2 * timeoutMs + dnsTimeoutMs;
  }
}
