package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.JobReason;
import com.favoriteproducts.bus.JobStatus;
import com.favoriteproducts.metrics.AppMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The add-job meters (docs/metrics.md): built once per verticle instance, shared by name and tags.
 * {@link #accepted} is the favorites verticle's; the rest are the jobs verticle's.
 */
public final class JobMetrics {

  static final String ACCEPTED = "favorites.jobs.accepted";
  static final String COMPLETED = "favorites.jobs.completed";
  static final String LATENCY = "favorites.jobs.latency";
  static final String RETRIED = "favorites.jobs.retried";
  static final String REPUBLISHED = "favorites.jobs.republished";

  static final String DONE = "done";
  static final String DEAD_LETTERED = "dead_lettered";
  static final String FAILED_OTHER = "failed_other";
  /** Every outcome: done, failed_ + the job's reason, dead_lettered (failed after its last attempt). */
  static final List<String> OUTCOMES = List.of(DONE, "failed_" + JobReason.PRODUCT_NOT_FOUND.wire(),
    "failed_" + JobReason.FAVORITES_LIMIT_REACHED.wire(), "failed_" + JobReason.INVALID_PRODUCT.wire(), DEAD_LETTERED,
    FAILED_OTHER);

  /** Buckets of the latency histogram: an add is normally done in well under a second; retries take minutes. */
  static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
    Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10),
    Duration.ofMinutes(30)};

  private record Outcome(Counter completed, Timer latency) {
  }

  private final Map<String, Outcome> outcomes = new HashMap<>();
  private final Counter retried;
  private final Counter republished;

  public JobMetrics(AppMetrics metrics) {
    for (String outcome : OUTCOMES) {
      outcomes.put(outcome, new Outcome(
        metrics.counter(COMPLETED, "Add jobs finished, by outcome", "outcome", outcome),
        metrics.timer(LATENCY, "From an add job's creation to its end (done or failed), by outcome", LATENCY_BUCKETS,
          "outcome", outcome)));
    }
    retried = metrics.counter(RETRIED, "Attempts that failed because the product service could not answer and were"
      + " scheduled again");
    republished = metrics.counter(REPUBLISHED, "Pending jobs the sweeper published to RabbitMQ again (never"
      + " confirmed, or overdue)");
  }

  /** The favorites verticle's counter of adds accepted as a new job. */
  static Counter accepted(AppMetrics metrics) {
    return metrics.counter(ACCEPTED, "Adds accepted as a new pending job");
  }

  /** A job has just ended (done or failed, as it was returned by the update that ended it). */
  public void completed(Job job) {
    Outcome o = outcomes.get(outcome(job));
    o.completed().increment();
    if (job.createdAt() != null && job.updatedAt() != null) {
      // both from the database clock: no skew between the node that accepted the job and the one that ended it
      Duration took = Duration.between(job.createdAt(), job.updatedAt());
      o.latency().record(took.isNegative() ? Duration.ZERO : took);
    }
  }

  public void retried() {
    retried.increment();
  }

  public void republished(int n) {
    if (n > 0) {
      republished.increment(n);
    }
  }

  static String outcome(Job job) {
    if (job.status() == JobStatus.DONE) {
      return DONE;
    }
    if (JobReason.RETRIES_EXHAUSTED.wire().equals(job.reason())) {
      return DEAD_LETTERED;
    }
    String outcome = "failed_" + job.reason();
    return OUTCOMES.contains(outcome) ? outcome : FAILED_OTHER;
  }
}
