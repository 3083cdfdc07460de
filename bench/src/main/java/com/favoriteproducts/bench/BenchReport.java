package com.favoriteproducts.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Gathers what one {@code make bench} run left in {@code BENCH_WORK_DIR} (wrk summaries written by the Lua
 * {@code done} function, {@code .skip} files, {@code seed.json}, {@code service.json}, {@code s3-stored.json}) into
 * {@code latest.json} and {@code latest.md} in {@code BENCH_RESULTS_DIR}, and prints the Markdown.
 *
 * <p>It compares figures with the targets and says whether each is met, for the reader; it never fails.
 */
final class BenchReport {

  record Scenario(String id, String name, String request) {
  }

  static final List<Scenario> SCENARIOS = List.of(
    new Scenario("1", "list favorites (hot path)", "GET /v1/customers/{random id}/favorites"),
    new Scenario("2", "get customer", "GET /v1/customers/{random id}"),
    new Scenario("1c", "list favorites, response cache off", "GET /v1/customers/{random id}/favorites"),
    new Scenario("2c", "get customer, response cache off", "GET /v1/customers/{random id}"),
    new Scenario("3", "add favorite", "PUT /v1/customers/{random id}/favorites/{random product}"),
    new Scenario("4", "create customer", "POST /v1/customers (fresh email)"));

  private final Path work;
  private final Path results;

  BenchReport(Path work, Path results) {
    this.work = work;
    this.results = results;
  }

  String run() throws IOException {
    JsonObject fixed = ceiling("fixed");
    JsonObject pg = ceiling("pg");
    double fixedRps = fixed.getDouble("rps", 0.0);
    double pgRps = pg.getDouble("rps", 0.0);

    JsonArray scenarios = new JsonArray();
    for (Scenario s : SCENARIOS) {
      JsonObject r = load("s" + s.id());
      r.put("id", s.id()).put("name", s.name()).put("request", s.request());
      if ("ok".equals(r.getString("status"))) {
        double rps = s.id().equals("3") ? r.getDouble("acceptedPerSecond", 0.0) : r.getDouble("rps", 0.0);
        if (fixedRps > 0) {
          r.put("vsFixedCeiling", ratio(rps, fixedRps));
        }
        if (pgRps > 0) {
          r.put("vsPgCeiling", ratio(rps, pgRps));
        }
        if (s.id().equals("3")) {
          JsonObject stored = readJson(work.resolve("s3-stored.json"));
          if (stored != null) {
            r.put("stored", stored);
          }
        }
        long done = s.id().equals("3") ? r.getLong("accepted", 0L) : r.getLong("requests", 0L);
        r.put("window", WindowFigures.of(work, "s" + s.id(), done, r.getDouble("durationS", 0.0)));
      }
      r.put("target", target(s.id(), r));
      scenarios.add(r);
    }

    JsonObject service = readJson(work.resolve("service.json"));
    if (service == null) {
      service = new JsonObject();
    }
    JsonObject seed = readJson(work.resolve("seed.json"));
    service.put("instances", instances());

    JsonObject out = new JsonObject()
      .put("generatedAt", Instant.now().toString())
      .put("command", Env.str("BENCH_COMMAND", "make bench"))
      .put("gitRevision", Env.str("BENCH_GIT_REV", ""))
      .put("machine", machine().put("wrk", Env.str("BENCH_WRK_VERSION", "")))
      .put("settings", new JsonObject()
        .put("durationSeconds", Env.integer("BENCH_DURATION", 20))
        .put("warmupSeconds", Env.integer("BENCH_WARMUP", 15))
        .put("startWarmupSeconds", Env.integer("BENCH_START_WARMUP", 0))
        .put("connections", Env.integer("BENCH_CONNECTIONS", 64))
        .put("warmupConnections", Env.integer("BENCH_WARMUP_CONNECTIONS", 16))
        .put("wrkThreads", Env.integer("BENCH_THREADS", 2))
        .put("customers", Env.integer("BENCH_CUSTOMERS", 10_000))
        .put("favoritesPerCustomer", Env.integer("BENCH_FAVORITES", 10))
        .put("favoritesSeed", Env.str("BENCH_FAVORITES_SEED", "sql"))
        .put("customersSeed", seed == null ? Env.str("BENCH_CUSTOMERS_SEED", "auto") : seed.getString("customersSeed"))
        .put("keys", Env.str("BENCH_KEYS", "uniform")).put("addKeys", Env.str("BENCH_ADD_KEYS", "uniform"))
        .put("reuseData", Env.str("BENCH_REUSE_DATA", "0").equals("1"))
        .put("serviceJavaOpts", Env.str("BENCH_JAVA_OPTS", "")))
      .put("postgresqlSettings", readJson(work.resolve("pg-settings.json")))
      .put("ceilings", new JsonObject().put("fixed", fixed).put("pg", pg))
      .put("service", service.put("target", serviceTarget(service)))
      .put("seed", seed)
      .put("scenarios", scenarios);

    Files.createDirectories(results);
    Files.writeString(results.resolve("latest.json"), out.encodePrettily() + "\n");
    String md = markdown(out);
    Files.writeString(results.resolve("latest.md"), md);
    return md;
  }

  private JsonObject ceiling(String mode) throws IOException {
    JsonObject r = load("ceiling-" + mode);
    r.put("name", mode.equals("fixed") ? "fixed body" : "one PostgreSQL primary-key SELECT");
    if ("ok".equals(r.getString("status"))) {
      // CPU only (the ceiling server has no /metrics): "service" is the ceiling server, so that its row shows what a
      // bare server and PostgreSQL spend per request next to what the service spends.
      r.put("window", WindowFigures.of(work, "ceiling-" + mode, r.getLong("requests", 0L), r.getDouble("durationS", 0.0)));
    }
    return r;
  }

  /** {@code key}: the whole percentage {@code file} holds (bench/run.sh's .others and .steal), when it holds one. */
  private static void putPercent(JsonObject wrk, String key, Path file) throws IOException {
    if (Files.exists(file) && Files.readString(file).trim().matches("\\d+")) {
      wrk.put(key, Integer.parseInt(Files.readString(file).trim()));
    }
  }

  /** The wrk summary for a step, or {status: skipped, reason} from its .skip file, or {status: missing}. */
  private JsonObject load(String step) throws IOException {
    JsonObject wrk = readJson(work.resolve(step + ".json"));
    if (wrk != null) {
      putPercent(wrk, "otherProcessesCpuPercent", work.resolve(step + ".others"));
      putPercent(wrk, "stealCpuPercent", work.resolve(step + ".steal"));
      return wrk.put("status", "ok");
    }
    Path skip = work.resolve(step + ".skip");
    if (Files.exists(skip)) {
      return new JsonObject().put("status", "skipped").put("reason", Files.readString(skip).trim());
    }
    return new JsonObject().put("status", "missing").put("reason", "no result (the step failed or was not run)");
  }

  /** The machine the run had, from the environment bench/lib.sh's machine_facts sets (also the soak's report). */
  static JsonObject machine() {
    return new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
      .put("cpu", Env.str("BENCH_CPU", "")).put("memoryMiB", Env.integer("BENCH_MEM_MIB", 0))
      .put("java", System.getProperty("java.version"))
      .put("cpuBusyPercentBeforeRun", Env.integer("BENCH_CPU_BUSY_AT_START", -1));
  }

  static JsonObject readJson(Path p) throws IOException {
    if (!Files.exists(p)) {
      return null;
    }
    String s = Files.readString(p).trim();
    return s.isEmpty() ? null : new JsonObject(s);
  }

  private static double ratio(double a, double b) {
    return Math.round(a / b * 100.0) / 100.0;
  }

  /** Each start of the service: which scenarios it served, its start-up and its resident memory at its stop. */
  private JsonArray instances() throws IOException {
    JsonArray a = new JsonArray();
    Path f = work.resolve("service-instances.txt");
    if (Files.exists(f)) {
      for (String line : Files.readAllLines(f)) {
        String[] p = line.trim().split("\\s+");
        if (p.length >= 5) {
          a.add(new JsonObject().put("responseCache", p[0].equals("cold") ? "off" : "on").put("rssKiB", Long.parseLong(p[1]))
            .put("hwmKiB", Long.parseLong(p[2])).put("startupMs", Long.parseLong(p[3])).put("scenarios", p[4]));
        }
      }
    }
    return a;
  }

  /** The target for a scenario (issue 14; 2 and 4 keep issue 6's), and whether this run met it. */
  private static JsonObject target(String id, JsonObject r) {
    JsonObject t = new JsonObject();
    boolean ok = "ok".equals(r.getString("status"));
    double p99 = ok ? r.getJsonObject("latencyMs", new JsonObject()).getDouble("p99", 0.0) : 0;
    long errors = ok ? r.getJsonObject("errors", new JsonObject()).getLong("total", 0L) : 0;
    switch (id) {
      case "1" -> {
        t.put("text", ">= 0.45x fixed ceiling, p99 < 10 ms");
        if (ok && r.containsKey("vsFixedCeiling")) {
          t.put("met", r.getDouble("vsFixedCeiling") >= 0.45 && p99 < 10);
        }
      }
      case "1c" -> {
        t.put("text", ">= 0.7x PG ceiling, p99 < 20 ms");
        if (ok && r.containsKey("vsPgCeiling")) {
          t.put("met", r.getDouble("vsPgCeiling") >= 0.7 && p99 < 20);
        }
      }
      case "2c" -> {
        t.put("text", ">= 1.0x PG ceiling");
        if (ok && r.containsKey("vsPgCeiling")) {
          t.put("met", r.getDouble("vsPgCeiling") >= 1.0);
        }
      }
      case "2" -> {
        t.put("text", ">= 0.8x PG ceiling");
        if (ok && r.containsKey("vsPgCeiling")) {
          t.put("met", r.getDouble("vsPgCeiling") >= 0.8);
        }
      }
      case "3" -> {
        t.put("text", ">= 3,000 accepted adds/s, all stored within 10 s");
        JsonObject stored = r.getJsonObject("stored");
        if (ok && stored != null) {
          t.put("met", r.getDouble("acceptedPerSecond", 0.0) >= 3000 && stored.getDouble("storedSeconds", 1e9) <= 10);
        }
      }
      case "4" -> {
        t.put("text", ">= 2,000 creates/s, no errors");
        if (ok) {
          t.put("met", r.getDouble("rps", 0.0) >= 2000 && errors == 0);
        }
      }
      default -> {
      }
    }
    return t;
  }

  private static JsonObject serviceTarget(JsonObject s) {
    JsonObject t = new JsonObject().put("text", "start-up < 2.0 s, RSS < 300 MiB");
    if (s.containsKey("startupMs")) {
      t.put("startupMet", s.getLong("startupMs") < 2000);
    }
    if (s.containsKey("rssKiB")) {
      t.put("rssMet", s.getLong("rssKiB") < 300 * 1024);
    }
    return t;
  }

  // ---------------------------------------------------------------------------------------------- Markdown

  private static String markdown(JsonObject out) {
    JsonObject set = out.getJsonObject("settings");
    JsonObject m = out.getJsonObject("machine");
    StringBuilder b = new StringBuilder();
    b.append("# favorite-products benchmark\n\n");
    b.append(String.format(Locale.ROOT, "`%s` at %s (git %s). Machine: %d cores (%s), %,d MiB, Java %s, %s.%n%n",
      out.getString("command"), out.getString("generatedAt"), emptyDash(out.getString("gitRevision")),
      m.getInteger("cores"), emptyDash(m.getString("cpu")), m.getInteger("memoryMiB"), m.getString("java"),
      emptyDash(m.getString("wrk"))));
    int busy = m.getInteger("cpuBusyPercentBeforeRun", -1);
    if (busy > 15) {
      b.append(String.format(Locale.ROOT, "**The CPUs were %d%% busy with other work before the run: figures are low and noisy.**%n%n", busy));
    }
    b.append(String.format(Locale.ROOT, "Each load: %d s warm-up at %d connections (%d s more for the first load after"
        + " each start of the service), then %d s measured at %d connections,"
        + " wrk -t%d, loopback. Data set: %,d customers (%s), %d favorites each; keys %s (adds: %s).%n%n",
      set.getInteger("warmupSeconds"), set.getInteger("warmupConnections"), set.getInteger("startWarmupSeconds", 0),
      set.getInteger("durationSeconds"),
      set.getInteger("connections"), set.getInteger("wrkThreads"), set.getInteger("customers"),
      set.getString("customersSeed"), set.getInteger("favoritesPerCustomer"), set.getString("keys"),
      set.getString("addKeys")));

    b.append("| scenario | requests/s | p50 ms | p99 ms | errors | x fixed ceiling | x PG ceiling | edge cache hits"
      + " | product cache hits | service CPU µs/req | PG CPU µs/req | target | met | others' CPU | steal |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|\n");
    JsonObject ceilings = out.getJsonObject("ceilings");
    row(b, "ceiling: " + ceilings.getJsonObject("fixed").getString("name"), ceilings.getJsonObject("fixed"), null);
    row(b, "ceiling: " + ceilings.getJsonObject("pg").getString("name"), ceilings.getJsonObject("pg"), null);
    for (Object o : out.getJsonArray("scenarios")) {
      JsonObject s = (JsonObject) o;
      row(b, s.getString("id") + ". " + s.getString("name") + " — `" + s.getString("request") + "`", s,
        s.getJsonObject("target"));
    }
    b.append("\nRatios compare requests/s (scenario 3: accepted adds/s) with the ceiling runs of the same machine."
      + " \"others' CPU\": share of the machine's CPUs used during the measured run by processes that are not part"
      + " of the benchmark (other builds and tests on a shared machine); above about 10% the figures are low."
      + " \"steal\": share of the machine's CPUs the hypervisor gave to other guests of the host during the measured"
      + " run (/proc/stat); it slows everything, the ceilings included, and explains much of the spread between runs."
      + " Cache hits and CPU are over the measured window: hit ratios from the service's /metrics before and after"
      + " (edge: `http_response_cache_requests_total`, \"off\" when it had no lookups; product:"
      + " `products_cache_requests_total` local, Redis and not-found hits of all lookups); CPU µs per request (scenario"
      + " 3: per accepted add) from /proc (utime + stime) of the service and of PostgreSQL (the bench database's"
      + " backends and the server's background processes); in the ceiling rows the \"service\" column is the ceiling"
      + " server.\n\n");

    List<String> notes = new ArrayList<>();
    Map<String, JsonObject> rows = new LinkedHashMap<>();
    rows.put("ceiling fixed", ceilings.getJsonObject("fixed"));
    rows.put("ceiling pg", ceilings.getJsonObject("pg"));
    for (Object o : out.getJsonArray("scenarios")) {
      rows.put(((JsonObject) o).getString("id"), (JsonObject) o);
    }
    List<String> wrkCpu = new ArrayList<>();
    rows.forEach((label, row) -> {
      JsonObject c = cpuPerRequest(row);
      if (c != null) {
        wrkCpu.add(label + " " + us(c.getDouble("loadGenerator")));
      }
    });
    if (!wrkCpu.isEmpty()) {
      notes.add("The load generator's (wrk's) CPU µs per request, on the same two cores: " + String.join(", ", wrkCpu)
        + ".");
    }
    for (Object o : out.getJsonArray("scenarios")) {
      JsonObject s = (JsonObject) o;
      if (!"ok".equals(s.getString("status"))) {
        notes.add(String.format("Scenario %s %s: %s.", s.getString("id"), s.getString("status"), s.getString("reason")));
        continue;
      }
      JsonObject statuses = s.getJsonObject("statuses");
      if (statuses != null && !statuses.isEmpty()) {
        notes.add(String.format("Scenario %s statuses: %s.", s.getString("id"), statuses.encode()));
      }
      JsonObject cpu = cpuPerRequest(s);
      if (s.getString("id").equals("3") && cpu != null) {
        notes.add(String.format(Locale.ROOT, "Scenario 3 CPU per accepted add (measured window): service %s µs,"
            + " PostgreSQL %s µs, RabbitMQ %s µs, Redis %s µs (work left queued at the end of the window is not in it).",
          us(cpu.getDouble("service")), us(cpu.getDouble("postgresql")), us(cpu.getDouble("rabbitmq")),
          us(cpu.getDouble("redis"))));
      }
      if (s.getString("id").equals("3")) {
        JsonObject st = s.getJsonObject("stored");
        notes.add(String.format(Locale.ROOT, "Scenario 3: %,d adds accepted (202) in %.0f s = %,.0f/s; %s.",
          s.getLong("accepted", 0L), s.getDouble("durationS", 0.0), s.getDouble("acceptedPerSecond", 0.0),
          st == null ? "stored time not measured"
            : st.getBoolean("timedOut", false) ? String.format("%,d still not stored when the wait timed out", st.getInteger("pending"))
            : String.format(Locale.ROOT, "all stored %.1f s after the load ended (from %s; the check of every add"
                + " through the API ended after %s s)", st.getDouble("storedSeconds"), st.getString("storedSecondsFrom"),
              st.getValue("confirmedSeconds", "-"))));
      }
    }

    JsonObject svc = out.getJsonObject("service");
    b.append("| service | value | target | met |\n|---|---:|---|---|\n");
    JsonObject st = svc.getJsonObject("target");
    b.append(String.format(Locale.ROOT, "| start-up to `/health/ready` 200 (first start, empty database) | %s | < 2.0 s | %s |%n",
      svc.containsKey("startupMs") ? String.format(Locale.ROOT, "%.2f s", svc.getLong("startupMs") / 1000.0) : "-",
      yesNo(st.getBoolean("startupMet"))));
    b.append(String.format(Locale.ROOT, "| resident memory (VmRSS) at the end | %s | < 300 MiB | %s |%n",
      svc.containsKey("rssKiB") ? String.format(Locale.ROOT, "%.0f MiB", svc.getLong("rssKiB") / 1024.0) : "-",
      yesNo(st.getBoolean("rssMet"))));
    if (svc.containsKey("hwmKiB")) {
      b.append(String.format(Locale.ROOT, "| peak resident memory (VmHWM) | %.0f MiB | | |%n", svc.getLong("hwmKiB") / 1024.0));
    }
    b.append('\n');

    JsonObject seed = out.getJsonObject("seed");
    if (seed != null) {
      JsonObject c = seed.getJsonObject("customers", new JsonObject());
      JsonObject bulk = seed.getJsonObject("bulk");
      if (seed.containsKey("reused")) {
        notes.add(0, String.format(Locale.ROOT, "Seeding: the data set in the database reused (BENCH_REUSE_DATA=1; seeded"
            + " at %s, put back as seeded: %s), ready in %.1f s.", seed.getJsonObject("reused").getString("seededAt"),
          seed.getJsonObject("reused").getJsonObject("deletedAfterSeeding", new JsonObject()).encode(),
          seed.getDouble("totalSeconds", 0.0)));
      } else if (bulk != null) {
        notes.add(0, String.format(Locale.ROOT, "Seeding: %,d customers, %,d with SQL in %.1f s and their %,d favorites"
            + " in %.1f s, VACUUM ANALYZE %.1f s; data set ready in %.1f s.", c.getInteger("created", 0),
          bulk.getInteger("customers", 0), bulk.getDouble("customersSeconds", 0.0), bulk.getLong("favorites", 0L),
          bulk.getDouble("favoritesSeconds", 0.0), seed.getDouble("vacuumAnalyzeSeconds", 0.0),
          seed.getDouble("totalSeconds", 0.0)));
      } else {
        notes.add(0, String.format(Locale.ROOT, "Seeding: %,d customers created through the API in %.1f s (%,d/s).",
          c.getInteger("created", 0), c.getDouble("seconds", 0.0), c.getLong("perSecond", 0L)));
      }
      JsonObject f = seed.getJsonObject("favorites", new JsonObject());
      if ("reused".equals(f.getString("status"))) {
        notes.add(1, "Favorites: those of the reused data set.");
      } else if ("ok".equals(f.getString("status")) && "sql".equals(f.getString("method"))) {
        notes.add(1, String.format(Locale.ROOT, "Seeding: %,d favorites inserted with the SQL bulk path in %.1f s"
          + " (BENCH_FAVORITES_SEED=api seeds through the API).", f.getInteger("ok", 0), f.getDouble("seconds", 0.0)));
      } else if ("ok".equals(f.getString("status"))) {
        JsonObject fs = f.getJsonObject("stored", new JsonObject());
        notes.add(1, String.format(Locale.ROOT, "Seeding: %,d favorites accepted in %.1f s (%,d/s), stored %s s after the last.",
          f.getInteger("ok", 0), f.getDouble("seconds", 0.0), f.getLong("perSecond", 0L), fs.getValue("storedSeconds", "?")));
      } else {
        notes.add(1, "Seeding of favorites skipped: " + f.getString("reason", "?") + ".");
      }
    }
    JsonArray inst = svc.getJsonArray("instances", new JsonArray());
    if (inst.size() > 1) {
      List<String> parts = new ArrayList<>();
      for (Object o : inst) {
        JsonObject i = (JsonObject) o;
        parts.add(String.format(Locale.ROOT, "%s (cache %s): %.0f MiB", i.getString("scenarios"),
          i.getString("responseCache"), i.getLong("rssKiB") / 1024.0));
      }
      notes.add("Service starts (1c and 2c on a start with RESPONSE_CACHE_SIZE=0, same database; 3 and 4 on a third):"
        + " resident memory at each one's end: " + String.join("; ", parts) + ".");
    }
    JsonObject pgs = out.getJsonObject("postgresqlSettings");
    if (pgs != null) {
      List<String> parts = new ArrayList<>();
      pgs.forEach(e -> parts.add(e.getKey() + "=" + ((JsonObject) e.getValue()).getString("value")));
      notes.add("PostgreSQL (the server's settings; the bench sets none): " + String.join(", ", parts) + ".");
    }
    if (!svc.getString("javaOpts", "").isEmpty()) {
      notes.add("Service JVM options: `" + svc.getString("javaOpts") + "`.");
    }
    for (String n : notes) {
      b.append("- ").append(n).append('\n');
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String name, JsonObject r, JsonObject target) {
    String t = target == null ? "" : target.getString("text", "");
    String met = target == null ? "" : yesNo(target.getBoolean("met"));
    if (!"ok".equals(r.getString("status"))) {
      b.append(String.format("| %s | %s | | | | | | | | | | %s | | | |%n", name, r.getString("status"), t));
      return;
    }
    JsonObject w = r.getJsonObject("window", new JsonObject());
    JsonObject cpu = w.getJsonObject("cpuMicrosPerRequest", new JsonObject());
    JsonObject lat = r.getJsonObject("latencyMs", new JsonObject());
    JsonObject err = r.getJsonObject("errors", new JsonObject());
    boolean adds = r.containsKey("acceptedPerSecond");
    String rps = adds ? String.format(Locale.ROOT, "%,.0f accepted/s", r.getDouble("acceptedPerSecond"))
      : String.format(Locale.ROOT, "%,.0f", r.getDouble("rps", 0.0));
    Integer others = r.getInteger("otherProcessesCpuPercent");
    Integer steal = r.getInteger("stealCpuPercent");
    b.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
      name, rps, lat.getDouble("p50", 0.0), lat.getDouble("p99", 0.0), errors(err), x(r.getDouble("vsFixedCeiling")),
      x(r.getDouble("vsPgCeiling")), hitRatio(w.getJsonObject("edgeCache")), hitRatio(w.getJsonObject("productCache")),
      us(cpu.getDouble("service")), us(cpu.getDouble("postgresql")), t, met, others == null ? "" : others + "%",
      steal == null ? "" : steal + "%"));
  }

  private static String errors(JsonObject err) {
    long total = err.getLong("total", 0L);
    if (total == 0) {
      return "0";
    }
    List<String> parts = new ArrayList<>();
    for (String k : List.of("status", "connect", "read", "write", "timeout")) {
      long v = err.getLong(k, 0L);
      if (v > 0) {
        parts.add((k.equals("status") ? "non-2xx/3xx" : k) + " " + v);
      }
    }
    return String.format(Locale.ROOT, "%,d (%s)", total, String.join(", ", parts));
  }

  private static String hitRatio(JsonObject cache) {
    if (cache == null) {
      return "";
    }
    if (cache.getLong("lookups", 0L) == 0) {
      return "off";
    }
    return String.format(Locale.ROOT, "%.1f%%", 100 * cache.getDouble("hitRatio", 0.0));
  }

  /** A row's {@code window.cpuMicrosPerRequest}, or null when its window has none. */
  private static JsonObject cpuPerRequest(JsonObject row) {
    return row.getJsonObject("window", new JsonObject()).getJsonObject("cpuMicrosPerRequest");
  }

  static String us(Double v) {
    return v == null ? "" : String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String x(Double v) {
    return v == null ? "" : String.format(Locale.ROOT, "%.2fx", v);
  }

  private static String yesNo(Boolean b) {
    return b == null ? "" : b ? "yes" : "no";
  }

  private static String emptyDash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }
}
