package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.JobStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An add request: pending until the consumer stores the favorite (done) or gives up (failed, with a reason: one of
 * {@link com.favoriteproducts.bus.JobReason}'s wire values).
 */
public record Job(UUID id, UUID customerId, UUID productId, JobStatus status, String reason, int attempts,
                  OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime deadAt) {

  public boolean pending() {
    return status == JobStatus.PENDING;
  }

  /** The job as {@code jobs.get} and {@code GET /v1/jobs/{jobId}} show it. */
  public JsonObject toJson() {
    JsonObject out = new JsonObject().put("jobId", id.toString()).put("customerId", customerId.toString())
      .put("productId", productId.toString()).put("status", status.wire());
    if (reason != null) {
      out.put("reason", reason);
    }
    out.put("attempts", attempts).put("createdAt", Favorite.ts(createdAt)).put("updatedAt", Favorite.ts(updatedAt));
    if (deadAt != null) {
      out.put("deadAt", Favorite.ts(deadAt));
    }
    return out;
  }

  /** The RabbitMQ message body: what a consumer needs, and the attempts made so far. */
  public JsonObject message() {
    return new JsonObject().put("jobId", id.toString()).put("customerId", customerId.toString())
      .put("productId", productId.toString()).put("attempt", attempts);
  }

  /**
   * Jobs as one message (on the bus to {@code jobs.publish}, and to RabbitMQ): a single job as {@link #message()}, more
   * as {@code {"jobs": [job, ...]}}. {@link #parseAll} reads both.
   */
  public static JsonObject messageOf(List<Job> jobs) {
    if (jobs.size() == 1) {
      return jobs.get(0).message();
    }
    JsonArray items = new JsonArray();
    jobs.forEach(j -> items.add(j.message()));
    return new JsonObject().put("jobs", items);
  }

  /** The jobs a message of {@link #messageOf} carries; null when it is not that. */
  public static List<Job> parseAll(JsonObject body) {
    JsonArray many = body.getJsonArray("jobs");
    if (many == null) {
      Job one = parse(body);
      return one == null ? null : List.of(one);
    }
    List<Job> out = new ArrayList<>(many.size());
    for (int i = 0; i < many.size(); i++) {
      Job j = parse(many.getJsonObject(i));
      if (j == null) {
        return null;
      }
      out.add(j);
    }
    return out.isEmpty() ? null : out;
  }

  private static Job parse(JsonObject body) {
    try {
      return new Job(UUID.fromString(body.getString("jobId")), UUID.fromString(body.getString("customerId")),
        UUID.fromString(body.getString("productId")), JobStatus.PENDING, null, body.getInteger("attempt", 0), null,
        null, null);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
