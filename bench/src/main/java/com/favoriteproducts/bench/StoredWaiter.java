package com.favoriteproducts.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Waits until every accepted favorite add is stored and says how long that took after the load ended.
 *
 * <p>With job ids (from the 202 answers) it polls {@code GET /v1/jobs/{id}} until each job is {@code done} or
 * {@code failed}. Each pass polls the last {@value #TAIL} jobs accepted by each load thread (jobs are queued, so the
 * last accepted finish last: their completion is the drain time) plus the next {@value #CHUNK} still-pending jobs in
 * acceptance order, so that the check of all the others runs while the queue drains rather than after it.
 * Without job ids it polls each touched customer's favorites list until it holds every product sent.
 *
 * <p>{@code storedSeconds} is the time from the end of the load until every add was stored: exact when the jobs carry a
 * finish time ({@code finishedAt}, {@code completedAt}, {@code doneAt}, {@code storedAt} or {@code updatedAt}), else
 * the later of when the last-accepted adds were seen stored and when the last add seen pending was seen stored
 * (polling adds up to one pass of delay). {@code confirmedSeconds} is when the check of every add ended (an upper
 * bound that includes the checking itself); {@code tailStoredSeconds} when the last-accepted adds were seen stored.
 */
final class StoredWaiter {

  static final int TAIL = 32;
  static final int CHUNK = 1024;
  /** Job fields that may say when the job finished (ISO-8601), first present wins. */
  static final List<String> FINISHED_KEYS = List.of("finishedAt", "completedAt", "doneAt", "storedAt", "updatedAt");

  private final Vertx vertx;
  private final ServiceClient service;
  private final int concurrency;

  StoredWaiter(Vertx vertx, ServiceClient service, int concurrency) {
    this.vertx = vertx;
    this.service = service;
    this.concurrency = concurrency;
  }

  /** Polls jobs; {@code groups} are the job ids in acceptance order, one list per load thread. */
  JsonObject waitJobs(List<List<String>> groups, long referenceMs, long timeoutMs) {
    List<String> order = new ArrayList<>();
    Set<String> tail = new LinkedHashSet<>();
    for (List<String> g : groups) {
      order.addAll(g);
      tail.addAll(g.subList(Math.max(0, g.size() - TAIL), g.size()));
    }
    Set<String> pending = new LinkedHashSet<>(order);
    Set<String> seenPending = new HashSet<>();
    int total = pending.size();
    int failed = 0;
    int passes = 0;
    int cursor = 0;
    long lastSeenPendingStoredAt = referenceMs;
    long tailStoredAt = tail.isEmpty() ? referenceMs : -1;
    long latestFinishedAt = -1;
    boolean allTimestamps = true;
    long deadline = System.currentTimeMillis() + timeoutMs;
    long nextProgress = System.currentTimeMillis() + 5_000;
    while (!pending.isEmpty() && System.currentTimeMillis() < deadline) {
      List<String> batch = new ArrayList<>();
      for (String id : tail) {
        if (pending.contains(id)) {
          batch.add(id);
        }
      }
      Set<String> inBatch = new HashSet<>(batch);
      // The first pass polls only the last-accepted adds, so that their answer comes as early as possible.
      int limit = passes == 0 && !batch.isEmpty() ? batch.size() : batch.size() + CHUNK;
      int scanned = 0;
      while (batch.size() < limit && scanned < order.size() && batch.size() < pending.size()) {
        if (cursor >= order.size()) {
          cursor = 0;
        }
        String id = order.get(cursor++);
        scanned++;
        if (pending.contains(id) && inBatch.add(id)) {
          batch.add(id);
        }
      }
      Map<String, JsonObject> answers = new ConcurrentHashMap<>();
      Parallel.run(vertx, batch.size(), concurrency, i -> service.get("/v1/jobs/" + batch.get(i))
        .onSuccess(r -> answers.put(batch.get(i), jobAnswer(r)))).await();
      passes++;
      long now = System.currentTimeMillis();
      if (passes == 1) {
        System.out.printf("[wait] first poll of %,d jobs ended %.2f s after the load ended%n", batch.size(),
          (now - referenceMs) / 1000.0);
      }
      int stored = 0;
      for (String id : batch) {
        JsonObject job = answers.get(id);
        String status = job == null ? "unknown" : job.getString("status");
        if (status.equals("done") || status.equals("failed")) {
          pending.remove(id);
          stored++;
          if (status.equals("failed")) {
            failed++;
          }
          if (seenPending.contains(id)) {
            lastSeenPendingStoredAt = now;
          }
          long finishedAt = job.getLong("finishedAtMs", -1L);
          if (finishedAt < 0) {
            allTimestamps = false;
          }
          latestFinishedAt = Math.max(latestFinishedAt, finishedAt);
        } else {
          seenPending.add(id);
        }
      }
      if (tailStoredAt < 0 && tail.stream().noneMatch(pending::contains)) {
        tailStoredAt = now;
      }
      if (now > nextProgress) {
        System.out.printf("[wait] %,d of %,d adds stored after %.1f s%n", total - pending.size(), total,
          (now - referenceMs) / 1000.0);
        nextProgress = now + 5_000;
      }
      if (stored == 0) {
        sleep(50);
      }
    }
    long confirmedAt = System.currentTimeMillis();
    JsonObject r = result("jobs", total, total - pending.size(), failed, pending.size(), passes);
    if (pending.isEmpty()) {
      if (allTimestamps && latestFinishedAt > 0) {
        // The jobs say when they finished: exact.
        r.put("storedSeconds", round(Math.max(0, latestFinishedAt - referenceMs) / 1000.0))
          .put("storedSecondsFrom", "job timestamps");
      } else {
        // The later of: the last-accepted adds seen stored, the last add seen pending and then stored.
        r.put("storedSeconds", round((Math.max(tailStoredAt, lastSeenPendingStoredAt) - referenceMs) / 1000.0))
          .put("storedSecondsFrom", "polling (last-accepted adds, and adds seen pending)");
      }
      r.put("confirmedSeconds", round((confirmedAt - referenceMs) / 1000.0));
    }
    if (tailStoredAt >= 0) {
      r.put("tailStoredSeconds", round((tailStoredAt - referenceMs) / 1000.0));
    }
    return r;
  }

  /**
   * Polls favorites lists; {@code expected} maps each customer to the products sent for it, of which up to
   * {@code allowance} may never be stored (sent but not accepted: errors, or still in flight when the load stopped).
   */
  JsonObject waitLists(Map<String, Set<String>> expected, int allowance, long referenceMs, long timeoutMs) {
    Map<String, Set<String>> pending = new LinkedHashMap<>();
    expected.forEach((c, ps) -> pending.put(c, new HashSet<>(ps)));
    int total = expected.values().stream().mapToInt(Set::size).sum();
    int passes = 0;
    long lastStoredAt = referenceMs;
    long deadline = System.currentTimeMillis() + timeoutMs;
    int left = total;
    while (left > allowance && System.currentTimeMillis() < deadline) {
      List<String> batch = new ArrayList<>(pending.keySet()).subList(0, Math.min(pending.size(), CHUNK / 4));
      Map<String, Set<String>> found = new ConcurrentHashMap<>();
      Parallel.run(vertx, batch.size(), concurrency, i -> service.get("/v1/customers/" + batch.get(i) + "/favorites?limit=100")
        .onSuccess(r -> found.put(batch.get(i), productIds(r)))).await();
      passes++;
      boolean progress = false;
      for (String c : batch) {
        Set<String> want = pending.get(c);
        if (want.removeAll(found.getOrDefault(c, Set.of()))) {
          progress = true;
        }
        if (want.isEmpty()) {
          pending.remove(c);
        }
      }
      if (progress) {
        lastStoredAt = System.currentTimeMillis();
      } else {
        sleep(50);
      }
      // Rotate: customers still pending go to the back.
      for (String c : batch) {
        Set<String> rest = pending.remove(c);
        if (rest != null) {
          pending.put(c, rest);
        }
      }
      left = pending.values().stream().mapToInt(Set::size).sum();
    }
    JsonObject r = result("lists", total, total - left, 0, left, passes).put("timedOut", left > allowance)
      .put("notAcceptedAllowance", allowance);
    if (left <= allowance) {
      r.put("storedSeconds", round((lastStoredAt - referenceMs) / 1000.0)).put("storedSecondsFrom", "polling lists");
    }
    return r;
  }

  private static JsonObject result(String method, int total, int stored, int failed, int pending, int passes) {
    return new JsonObject().put("method", method).put("accepted", total).put("stored", stored)
      .put("failed", failed).put("pending", pending).put("timedOut", pending > 0).put("passes", passes);
  }

  /** {status} (lower case; "unknown" when not readable) and, when the job says when it finished, {finishedAtMs}. */
  private static JsonObject jobAnswer(HttpResponse<Buffer> r) {
    JsonObject body = r.statusCode() == 200 ? ServiceClient.jsonOrNull(r) : null;
    Object s = body == null ? null : body.getValue("status");
    JsonObject out = new JsonObject().put("status", s == null ? "unknown" : s.toString().toLowerCase(Locale.ROOT));
    if (body != null) {
      for (String key : FINISHED_KEYS) {
        Object v = body.getValue(key);
        if (v != null) {
          try {
            out.put("finishedAtMs", OffsetDateTime.parse(v.toString()).toInstant().toEpochMilli());
          } catch (DateTimeParseException e) {
            // not a timestamp we can read: fall back to polling times
          }
          break;
        }
      }
    }
    return out;
  }

  private static Set<String> productIds(HttpResponse<Buffer> r) {
    Set<String> ids = new HashSet<>();
    JsonObject body = r.statusCode() == 200 ? ServiceClient.jsonOrNull(r) : null;
    JsonArray items = body == null ? null : body.getJsonArray("items");
    if (items != null) {
      for (Object o : items) {
        if (o instanceof JsonObject item && item.getValue("productId") != null) {
          ids.add(item.getValue("productId").toString().toLowerCase(Locale.ROOT));
        }
      }
    }
    return ids;
  }

  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
