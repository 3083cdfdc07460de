package com.favoriteproducts.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code BenchTool soak-report}: {@code soak-run.json} (from {@link Soak}), {@code service.json} and {@code seed.json}
 * of {@code BENCH_WORK_DIR} into {@code soak-latest.json} and {@code soak-latest.md} in {@code BENCH_RESULTS_DIR};
 * prints the Markdown. {@link #run} returns the failures, which BenchTool turns into exit code 3: a 5xx or an
 * unanswered request outside the restart window, an accepted add lost or stored twice, a job id without a row, a
 * customer's favorites count that drifted from its rows, a pipeline that did not drain, a restart that failed.
 */
final class SoakReport {

  private final Path work;
  private final Path results;

  SoakReport(Path work, Path results) {
    this.work = work;
    this.results = results;
  }

  /** Writes the report; the failures (empty: passed). */
  List<String> run() throws IOException {
    JsonObject run = BenchReport.readJson(work.resolve("soak-run.json"));
    if (run == null) {
      throw new IllegalStateException("no soak-run.json in " + work + ": the soak did not finish");
    }
    JsonObject service = BenchReport.readJson(work.resolve("service.json"));
    List<String> failures = failures(run);
    JsonObject out = new JsonObject().put("generatedAt", Instant.now().toString())
      .put("command", Env.str("BENCH_COMMAND", "make soak")).put("gitRevision", Env.str("BENCH_GIT_REV", ""))
      .put("machine", BenchReport.machine()).put("passed", failures.isEmpty()).put("failures", new JsonArray(failures))
      .put("service", service == null ? new JsonObject() : service).put("seed", BenchReport.readJson(work.resolve("seed.json")))
      .mergeIn(run);
    Files.createDirectories(results);
    Files.writeString(results.resolve("soak-latest.json"), out.encodePrettily() + "\n");
    String md = markdown(out);
    Files.writeString(results.resolve("soak-latest.md"), md);
    System.out.print(md);
    return failures;
  }

  static List<String> failures(JsonObject run) {
    List<String> f = new ArrayList<>();
    JsonObject all = run.getJsonObject("requests").getJsonObject("all");
    if (all.getLong("status5xxOutside") > 0) {
      f.add(all.getLong("status5xxOutside") + " 5xx outside the restart window");
    }
    if (all.getLong("noAnswerOutside") > 0) {
      f.add(all.getLong("noAnswerOutside") + " requests without an answer outside the restart window");
    }
    JsonObject stored = run.getJsonObject("stored");
    for (String key : List.of("lost", "duplicated", "countDrift", "jobsMissing")) {
      if (stored.getLong(key, 0L) > 0) {
        f.add(key + ": " + stored.getLong(key));
      }
    }
    if (!stored.getJsonObject("drain").getBoolean("drained", false)) {
      f.add("the add pipeline did not drain (" + stored.getJsonObject("drain").getLong("pendingJobs") + " jobs pending)");
    }
    if (run.getJsonObject("restart").containsKey("error")) {
      f.add("the restart failed: " + run.getJsonObject("restart").getString("error"));
    }
    return f;
  }

  private static String markdown(JsonObject o) {
    StringBuilder b = new StringBuilder("# favorite-products soak\n\n");
    JsonObject m = o.getJsonObject("machine");
    b.append(String.format(Locale.ROOT, "`%s` at %s (git %s). Machine: %d cores (%s), %,d MiB, Java %s.%n%n",
      o.getString("command"), o.getString("generatedAt"), dash(o.getString("gitRevision")), m.getInteger("cores"),
      dash(m.getString("cpu")), m.getInteger("memoryMiB"), m.getString("java")));
    if (m.getInteger("cpuBusyPercentBeforeRun", -1) > 15) {
      b.append(String.format(Locale.ROOT, "**The CPUs were %d%% busy with other work before the run: figures are low and noisy.**%n%n",
        m.getInteger("cpuBusyPercentBeforeRun")));
    }
    b.append(o.getBoolean("passed") ? "**Passed**: no 5xx and no unanswered request outside the restart window, every accepted add stored once.\n\n"
      : "**FAILED**: " + String.join("; ", o.getJsonArray("failures").getList()) + ".\n\n");

    JsonObject peak = o.getJsonObject("peak");
    b.append(String.format(Locale.ROOT, "Load: %,.0f requests/s open loop (constant arrival rate; latency counts from when each"
        + " request was due) for %d s = %d%% of a peak of %,.0f/s (%s).%n%n", o.getDouble("rate"), o.getInteger("durationSeconds"),
      o.getInteger("loadPercent"), peak.getDouble("perSecond"), peak.getString("from")));

    JsonObject w = o.getJsonObject("restart");
    if (w.containsKey("windowStartMs")) {
      b.append(String.format(Locale.ROOT, "Restart of the private %s: stop began at %.1f s (stopped %.1f s), start began at %.1f s"
          + " (answering %.1f s), `/health/ready` UP again at %.1f s%s; **window %.1f-%.1f s** (+%d s grace).%s%n%n",
        w.getString("server"), s(w, "stopBeganMs"), s(w, "stoppedMs"), s(w, "startBeganMs"), s(w, "startedMs"),
        s(w, "readyUpMs"), w.containsKey("readinessNotUpMs") ? String.format(Locale.ROOT, " (it said not UP at %.1f s)",
          s(w, "readinessNotUpMs")) : "", s(w, "windowStartMs"), s(w, "windowEndMs"), w.getInteger("graceSeconds"),
        w.containsKey("error") ? " Error: " + w.getString("error") + "." : ""));
      if (w.getLong("windowEndMs") > o.getDouble("loadEndS") * 1000) {
        b.append("**The restart window outlasted the load** (the server took long to stop or start): what came after the"
          + " server was back was not loaded; lengthen SOAK_DURATION or move SOAK_RESTART_AT earlier.\n\n");
      }
    } else {
      b.append("No restart (SOAK_RESTART=none, or SOAK_RESTART_AT outside the load).\n\n");
    }

    JsonObject req = o.getJsonObject("requests");
    JsonObject all = req.getJsonObject("all");
    b.append("| kind | share | requests | statuses | 5xx inside / outside | no answer inside / outside | p50 ms | p99 ms | p99 outside ms |\n");
    b.append("|---|---:|---:|---|---:|---:|---:|---:|---:|\n");
    JsonObject kinds = req.getJsonObject("kinds");
    for (String k : kinds.fieldNames()) {
      JsonObject r = kinds.getJsonObject(k);
      JsonObject lat = r.getJsonObject("latencyMs");
      b.append(String.format(Locale.ROOT, "| %s `%s` | %d%% | %,d | %s | %d / %d | %d / %d | %s | %s | %s |%n", r.getString("title"),
        r.getString("request"), r.getInteger("percent"), r.getLong("requests"), statuses(r.getJsonObject("statuses")),
        r.getLong("status5xxInside"), r.getLong("status5xxOutside"), r.getLong("noAnswerInside"), r.getLong("noAnswerOutside"),
        lat.getValue("p50", "-"), lat.getValue("p99", "-"), r.getJsonObject("latencyOutsideMs").getValue("p99", "-")));
    }
    b.append(String.format(Locale.ROOT, "| **all** | | %,d | | %d / %d | %d / %d | | | |%n%n", all.getLong("requests"),
      all.getLong("status5xxInside"), all.getLong("status5xxOutside"), all.getLong("noAnswerInside"), all.getLong("noAnswerOutside")));
    b.append("Latency runs from when a request was due to its answer (an unanswered one: until the client gave up after"
      + " SOAK_TIMEOUT_SECONDS waiting for a connection or for data). A request is inside the window when that span overlaps"
      + " it. The ramp's requests are not counted here.\n\n");
    if (all.containsKey("first5xxS")) {
      b.append(String.format(Locale.ROOT, "5xx answers came between %.1f s and %.1f s.%n%n", all.getDouble("first5xxS"),
        all.getDouble("last5xxS")));
    }

    JsonObject st = o.getJsonObject("stored");
    JsonObject drain = st.getJsonObject("drain");
    b.append(String.format(Locale.ROOT, "Adds: %,d accepted (200/201/202; %,d jobs), the pipeline %s %.1f s after the load"
        + " ended;"
        + " **lost %d, duplicated %d**, favorites-count drift %d, job ids without a row %d; jobs by end: %s. Refused adds"
        + " (an error answer, no accepted add of the same favorite): %,d, of which stored anyway: %d.%n%n",
      st.getLong("acceptedAdds"), st.getLong("acceptedJobs"), drain.getBoolean("drained") ? "drained" : "had NOT drained",
      drain.getDouble("drainedAfterLoadS", drain.getDouble("seconds")), st.getLong("lost"), st.getLong("duplicated"), st.getLong("countDrift"),
      st.getLong("jobsMissing"), st.getJsonObject("jobs").encode(), st.getLong("refusedAdds"), st.getLong("refusedButStored")));

    JsonObject start = o.getJsonObject("start");
    JsonObject end = o.getJsonObject("end");
    b.append("| service | at the start | at the end | max over the samples |\n|---|---:|---:|---:|\n");
    b.append(String.format(Locale.ROOT, "| heap used (%s) | %s | %s | |%n", start.getJsonObject("heap").getString("from"),
      mib(start.getJsonObject("heap").getLong("usedKiB")), mib(end.getJsonObject("heap").getLong("usedKiB"))));
    b.append(String.format(Locale.ROOT, "| live heap (after a full GC; the end: after the drain) | %s | %s | |%n",
      mib(start.getJsonObject("liveHeap").getLong("usedKiB")), mib(end.getJsonObject("liveHeap").getLong("usedKiB"))));
    JsonObject s0 = start.getJsonObject("sample");
    JsonObject s1 = end.getJsonObject("sample");
    b.append(String.format(Locale.ROOT, "| resident memory (VmRSS) | %s | %s | %s |%n", mib(s0.getLong("rssKiB")),
      mib(s1.getLong("rssKiB")), mib(end.getLong("maxRssKiB"))));
    b.append(String.format(Locale.ROOT, "| SQL pool connections in use (`vertx_pool_in_use`) | %s | %s | %s |%n",
      s0.getValue("sqlPoolInUse", "-"), s1.getValue("sqlPoolInUse", "-"), end.getValue("maxSqlPoolInUse", "-")));
    b.append(String.format(Locale.ROOT, "| SQL pool requests waiting (`vertx_pool_queue_pending`) | %s | %s | %s |%n",
      s0.getValue("sqlPoolPending", "-"), s1.getValue("sqlPoolPending", "-"), end.getValue("maxSqlPoolPending", "-")));
    b.append(String.format(Locale.ROOT, "| PostgreSQL backends of the database (`pg_stat_activity`; max_connections %s) | %s | %s | %s |%n%n",
      end.getValue("pgMaxConnections", "?"), s0.getValue("pgBackends", "-"), s1.getValue("pgBackends", "-"),
      end.getValue("maxPgBackends", "-")));

    b.append("| from s | requests | 5xx | no answer | p99 ms | RSS MiB | SQL pool in use | PG backends |\n");
    b.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Object x : o.getJsonArray("timeline")) {
      JsonObject t = (JsonObject) x;
      JsonObject smp = t.getJsonObject("sample", new JsonObject());
      b.append(String.format(Locale.ROOT, "| %d | %,d | %d | %d | %.1f | %s | %s | %s |%n", t.getInteger("fromS"),
        t.getLong("requests"), t.getLong("status5xx"), t.getLong("noAnswer"), t.getDouble("p99Ms"),
        smp.containsKey("rssKiB") ? String.valueOf(smp.getLong("rssKiB") / 1024) : "-",
        smp.getValue("sqlPoolInUse", "-"), smp.getValue("pgBackends", "-")));
    }
    JsonObject svc = o.getJsonObject("service");
    b.append(String.format(Locale.ROOT, "%nSamples at the end of each interval. Service log: %s ERROR, %s WARN lines. JVM options: `%s`."
        + " Private servers: %s.%n", svc.getValue("logErrorLines", "?"), svc.getValue("logWarnLines", "?"),
      svc.getString("javaOpts", ""), svc.getString("privateServers", "?")));
    return b.toString();
  }

  private static double s(JsonObject w, String key) {
    return w.getLong(key, -1000L) / 1000.0;
  }

  private static String mib(Long kib) {
    return kib == null ? "-" : String.format(Locale.ROOT, "%.0f MiB", kib / 1024.0);
  }

  private static String statuses(JsonObject s) {
    List<String> parts = new ArrayList<>();
    s.forEach(e -> parts.add(e.getKey() + ": " + e.getValue()));
    return String.join(", ", parts);
  }

  private static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }
}
