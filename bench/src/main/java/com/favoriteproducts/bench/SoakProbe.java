package com.favoriteproducts.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the soak reads about the service while it runs, from a plain thread (blocking calls): resident memory from
 * {@code /proc/<pid>/status}; the SQL pools from {@code /metrics} ({@code vertx_pool_in_use} and
 * {@code vertx_pool_queue_pending} with {@code pool_type="sql"}, summed over the pools, see docs/metrics.md);
 * PostgreSQL's own count of the service's connections ({@code pg_stat_activity} for its database, without the soak
 * tool's own); the heap from
 * {@code /metrics} when the service publishes JVM meters ({@code jvm_memory_used_bytes{area="heap"}}), else from
 * {@code jcmd <pid> GC.heap_info}.
 */
final class SoakProbe {

  /** The application_name of the soak tool's own PostgreSQL connections, left out of the backend count. */
  static final String APPLICATION_NAME = "favorites-soak-tool";
  private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

  private final long pid;
  private final ServiceClient service;
  private final Pool pg;
  private final String database;

  SoakProbe(long pid, ServiceClient service, Pool pg, String database) {
    this.pid = pid;
    this.service = service;
    this.pg = pg;
    this.database = database;
  }

  /** One sample; a figure that could not be read is absent (PostgreSQL down: no backend count). */
  JsonObject sample(long atMs) {
    JsonObject s = new JsonObject().put("atS", StoredWaiter.round(atMs / 1000.0));
    Long rss = procStatusKiB("VmRSS");
    if (rss != null) {
      s.put("rssKiB", rss);
    }
    String metrics = metrics();
    if (metrics != null) {
      s.put("sqlPoolInUse", (long) sum(metrics, "vertx_pool_in_use", "pool_type=\"sql\""));
      s.put("sqlPoolPending", (long) sum(metrics, "vertx_pool_queue_pending", "pool_type=\"sql\""));
      double heap = sum(metrics, "jvm_memory_used_bytes", "area=\"heap\"");
      if (heap > 0) {
        s.put("heapUsedKiB", Math.round(heap / 1024));
      }
    }
    try {
      s.put("pgBackends", pg.preparedQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = $1"
          + " AND application_name <> $2").execute(Tuple.of(database, APPLICATION_NAME)).await().iterator().next().getLong(0));
    } catch (Exception e) { // await() rethrows the cause as it is, checked or not
      // PostgreSQL is down (the restart): no figure
    }
    return s;
  }

  /**
   * The heap: used KiB (young + old, or G1's one heap line) and its capacity, from {@code /metrics} when the service
   * publishes JVM meters, else from {@code jcmd GC.heap_info}; {@code fullGcFirst} runs {@code jcmd GC.run} before
   * (the live heap, comparable between the start and the end of a soak).
   */
  JsonObject heap(boolean fullGcFirst) {
    JsonObject h = new JsonObject();
    if (fullGcFirst) {
      jcmd("GC.run");
      h.put("afterFullGc", true);
    }
    String metrics = fullGcFirst ? null : metrics();
    double used = metrics == null ? 0 : sum(metrics, "jvm_memory_used_bytes", "area=\"heap\"");
    if (used > 0) {
      return h.put("usedKiB", Math.round(used / 1024)).put("from", "/metrics jvm_memory_used_bytes");
    }
    String info = jcmd("GC.heap_info");
    if (info == null) {
      return h.put("from", "unavailable (jcmd failed)");
    }
    long sum = 0;
    long capacity = 0;
    for (String line : info.split("\n")) {
      if (line.contains("Metaspace") || line.contains("class space")) {
        continue;
      }
      Matcher m = HEAP_USED.matcher(line);
      if (m.find()) {
        sum += Long.parseLong(m.group(1));
        Matcher t = Pattern.compile("total (\\d+)K").matcher(line);
        if (t.find()) {
          capacity += Long.parseLong(t.group(1));
        }
      }
    }
    return h.put("usedKiB", sum).put("capacityKiB", capacity).put("from", "jcmd GC.heap_info");
  }

  Long procStatusKiB(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process is gone, or no /proc (not Linux)
    }
    return null;
  }

  private String metrics() {
    try {
      HttpResponse<Buffer> r = service.get("/metrics").await();
      return r.statusCode() == 200 ? r.bodyAsString() : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** The sum of a Prometheus series over the lines whose labels contain {@code labelMatch}. */
  static double sum(String metrics, String name, String labelMatch) {
    double total = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + "{") && line.contains(labelMatch)) {
        try {
          total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        } catch (NumberFormatException e) {
          // NaN or an unexpected value: skip
        }
      }
    }
    return total;
  }

  private String jcmd(String command) {
    try {
      Process p = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
