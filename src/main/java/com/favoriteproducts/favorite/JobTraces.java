package com.favoriteproducts.favorite;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The trace of each job on its way from the add to the job worker (only with tracing on). On the bus
 * ({@code jobs.publish}) every job of {@link Job#messageOf} carries a {@code trace} object, the W3C headers of the add
 * that made it; on RabbitMQ a message of one job carries them as the message's {@code traceparent} and
 * {@code tracestate} headers, a message of several as the header {@value #JOB_TRACES}: a table from job id to those
 * headers.
 */
public final class JobTraces {

  /** The AMQP header of a message of several jobs: job id to that job's {@code traceparent}/{@code tracestate}. */
  public static final String JOB_TRACES = "x-job-traces";

  private JobTraces() {
  }

  /** Puts each job's headers (null: none) into the message of {@link Job#messageOf}, in the same order. */
  static void annotate(JsonObject message, List<Map<String, Object>> perJob) {
    JsonArray many = message.getJsonArray("jobs");
    for (int i = 0; i < perJob.size(); i++) {
      Map<String, Object> h = perJob.get(i);
      if (h != null) {
        (many == null ? message : many.getJsonObject(i)).put("trace", new JsonObject(new HashMap<>(h)));
      }
    }
  }

  /** The headers of each job of a message of {@link Job#messageOf}, by job id; empty when none carries any. */
  public static Map<String, Map<String, Object>> of(JsonObject message) {
    Map<String, Map<String, Object>> out = new HashMap<>();
    JsonArray many = message.getJsonArray("jobs");
    if (many == null) {
      put(out, message);
    } else {
      for (int i = 0; i < many.size(); i++) {
        if (many.getValue(i) instanceof JsonObject j) {
          put(out, j);
        }
      }
    }
    return out;
  }

  private static void put(Map<String, Map<String, Object>> out, JsonObject job) {
    if (job.getValue("trace") instanceof JsonObject t && job.getValue("jobId") instanceof String id) {
      out.put(id, t.getMap());
    }
  }
}
