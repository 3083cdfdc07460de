package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.JobStatus;
import com.favoriteproducts.metrics.AppMetrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.favoriteproducts.bus.JobReason.FAVORITES_LIMIT_REACHED;
import static com.favoriteproducts.bus.JobReason.PRODUCT_NOT_FOUND;
import static com.favoriteproducts.bus.JobReason.RETRIES_EXHAUSTED;
import static com.favoriteproducts.bus.JobStatus.DONE;
import static com.favoriteproducts.bus.JobStatus.FAILED;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("job meters")
class JobMetricsTest {

  private static Job job(JobStatus status, String reason, OffsetDateTime created, OffsetDateTime updated) {
    return new Job(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), status, reason, 1, created, updated, null);
  }

  @Test
  @DisplayName("the outcome of an ended job: done, failed_<reason>, dead_lettered, failed_other")
  void outcomes() {
    OffsetDateTime t = OffsetDateTime.now();
    assertThat(JobMetrics.outcome(job(DONE, null, t, t))).isEqualTo("done");
    assertThat(JobMetrics.outcome(job(FAILED, PRODUCT_NOT_FOUND.wire(), t, t))).isEqualTo("failed_product_not_found");
    assertThat(JobMetrics.outcome(job(FAILED, "invalid_product", t, t))).isEqualTo("failed_invalid_product");
    assertThat(JobMetrics.outcome(job(FAILED, FAVORITES_LIMIT_REACHED.wire(), t, t))).isEqualTo("failed_favorites_limit_reached");
    assertThat(JobMetrics.outcome(job(FAILED, RETRIES_EXHAUSTED.wire(), t, t))).isEqualTo("dead_lettered");
    assertThat(JobMetrics.outcome(job(FAILED, "something_new", t, t))).isEqualTo("failed_other");
  }

  @Test
  @DisplayName("a completion counts once and records the time from created to updated (the database's clock)")
  void completed() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    JobMetrics metrics = new JobMetrics(AppMetrics.of(registry));
    OffsetDateTime created = OffsetDateTime.parse("2025-01-01T10:00:00Z");
    metrics.completed(job(DONE, null, created, created.plusNanos(1_500_000_000L)));
    metrics.completed(job(FAILED, RETRIES_EXHAUSTED.wire(), created, created.plusMinutes(20)));
    metrics.completed(job(DONE, null, created, created.minusSeconds(1))); // clocks never run back; if they did: 0
    assertThat(registry.get(JobMetrics.COMPLETED).tag("outcome", "done").counter().count()).isEqualTo(2.0);
    assertThat(registry.get(JobMetrics.COMPLETED).tag("outcome", "dead_lettered").counter().count()).isEqualTo(1.0);
    Timer done = registry.get(JobMetrics.LATENCY).tag("outcome", "done").timer();
    assertThat(done.count()).isEqualTo(2);
    assertThat(done.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500.0);
    assertThat(registry.get(JobMetrics.LATENCY).tag("outcome", "dead_lettered").timer().totalTime(TimeUnit.MINUTES))
      .isEqualTo(20.0);
    assertThat(registry.find(JobMetrics.COMPLETED).counters()).hasSize(JobMetrics.OUTCOMES.size());
  }
}
