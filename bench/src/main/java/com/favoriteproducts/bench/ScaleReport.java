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
 * The report of {@code make bench-scale} (bench/scale.sh): one row per run (data-set size x key distribution) with the
 * figures of scenarios 1, 1c and 3 from each run's {@code latest.json} (in {@code BENCH_SCALE_WORK/<run>/}), ratios to
 * the ceilings of the first run that measured them, and the two scaling targets of issue 14. Writes
 * {@code scale-latest.json} and {@code scale-latest.md} into {@code BENCH_RESULTS_DIR} and prints the Markdown.
 */
final class ScaleReport {

  private ScaleReport() {
  }

  static String run() throws IOException {
    Path work = Path.of(Env.str("BENCH_SCALE_WORK", "bench/results/scale.tmp"));
    Path results = Path.of(Env.str("BENCH_RESULTS_DIR", "bench/results"));
    JsonArray runs = new JsonArray();
    JsonObject ceilings = null;
    JsonObject pgSettings = null;
    for (String name : Env.str("BENCH_SCALE_RUNS", "").split("\\s+")) {
      if (name.isEmpty()) {
        continue;
      }
      JsonObject latest = BenchReport.readJson(work.resolve(name).resolve("latest.json"));
      if (latest == null) {
        runs.add(new JsonObject().put("run", name).put("status", "missing"));
        continue;
      }
      JsonObject c = latest.getJsonObject("ceilings");
      if (ceilings == null && c != null && "ok".equals(c.getJsonObject("pg", new JsonObject()).getString("status"))) {
        ceilings = c;
      }
      if (pgSettings == null) {
        pgSettings = latest.getJsonObject("postgresqlSettings");
      }
      JsonObject set = latest.getJsonObject("settings");
      JsonObject row = new JsonObject().put("run", name).put("status", "ok").put("customers", set.getInteger("customers"))
        .put("keys", set.getString("keys")).put("customersSeed", set.getString("customersSeed"));
      JsonObject seed = latest.getJsonObject("seed", new JsonObject());
      row.put("seedSeconds", seed.getDouble("totalSeconds")).put("reused", seed.containsKey("reused"))
        .put("databaseBytes", seed.getJsonObject("counts", new JsonObject()).getLong("databaseBytes"));
      for (Object o : latest.getJsonArray("scenarios")) {
        JsonObject s = (JsonObject) o;
        if ("ok".equals(s.getString("status"))) {
          row.put("s" + s.getString("id"), s);
        }
      }
      runs.add(row);
    }
    double pgRps = ceilings == null ? 0 : ceilings.getJsonObject("pg").getDouble("rps", 0.0);
    double fixedRps = ceilings == null ? 0 : ceilings.getJsonObject("fixed").getDouble("rps", 0.0);
    for (Object o : runs) {
      JsonObject row = (JsonObject) o;
      for (String id : List.of("s1", "s1c", "s3")) {
        JsonObject s = row.getJsonObject(id);
        if (s != null && pgRps > 0) {
          double rps = id.equals("s3") ? s.getDouble("acceptedPerSecond", 0.0) : s.getDouble("rps", 0.0);
          s.put("vsPgCeiling", Math.round(rps / pgRps * 100) / 100.0);
          if (fixedRps > 0) {
            s.put("vsFixedCeiling", Math.round(rps / fixedRps * 100) / 100.0);
          }
        }
      }
    }
    JsonObject out = new JsonObject().put("generatedAt", Instant.now().toString())
      .put("command", Env.str("BENCH_COMMAND", "make bench-scale")).put("gitRevision", Env.str("BENCH_GIT_REV", ""))
      .put("seconds", Env.integer("BENCH_SCALE_SECONDS", 0))
      .put("machine", BenchReport.machine()).put("postgresqlSettings", pgSettings).put("ceilings", ceilings)
      .put("targets", targets(runs)).put("runs", runs);
    Files.createDirectories(results);
    Files.writeString(results.resolve("scale-latest.json"), out.encodePrettily() + "\n");
    String md = markdown(out);
    Files.writeString(results.resolve("scale-latest.md"), md);
    return md;
  }

  /** Issue 14: 1 at 1,000,000 zipf:1.1 >= 1.0x PG; 1c at 1,000,000 uniform within 20% of 1c at 10,000 uniform. */
  private static JsonObject targets(JsonArray runs) {
    JsonObject t = new JsonObject();
    JsonObject hotAtMillion = find(runs, 1_000_000, "zipf:1.1", "s1");
    JsonObject coldAtMillion = find(runs, 1_000_000, "uniform", "s1c");
    JsonObject coldAt10k = find(runs, 10_000, "uniform", "s1c");
    JsonObject a = new JsonObject().put("text", "1 at 1,000,000 customers, zipf:1.1: >= 1.0x PG ceiling");
    if (hotAtMillion != null && hotAtMillion.containsKey("vsPgCeiling")) {
      a.put("value", hotAtMillion.getDouble("vsPgCeiling")).put("met", hotAtMillion.getDouble("vsPgCeiling") >= 1.0);
    }
    JsonObject b = new JsonObject().put("text", "1c at 1,000,000 uniform within 20% of 1c at 10,000 uniform");
    if (coldAtMillion != null && coldAt10k != null && coldAt10k.getDouble("rps", 0.0) > 0) {
      double r = coldAtMillion.getDouble("rps") / coldAt10k.getDouble("rps");
      b.put("value", Math.round(r * 100) / 100.0).put("met", r >= 0.8);
    }
    return t.put("hotListAtMillionZipf", a).put("coldListMillionVs10k", b);
  }

  private static JsonObject find(JsonArray runs, int customers, String keys, String scenario) {
    for (Object o : runs) {
      JsonObject r = (JsonObject) o;
      if ("ok".equals(r.getString("status")) && r.getInteger("customers") == customers && keys.equals(r.getString("keys"))) {
        return r.getJsonObject(scenario);
      }
    }
    return null;
  }

  private static String markdown(JsonObject out) {
    StringBuilder b = new StringBuilder("# favorite-products scaling run\n\n");
    JsonObject m = out.getJsonObject("machine");
    b.append(String.format(Locale.ROOT, "`%s` at %s (git %s), %d s in all. Machine: %d cores (%s), %,d MiB.%n%n",
      out.getString("command"), out.getString("generatedAt"), out.getString("gitRevision"), out.getInteger("seconds"),
      m.getInteger("cores"), m.getString("cpu"), m.getInteger("memoryMiB")));
    JsonObject c = out.getJsonObject("ceilings");
    if (c != null) {
      b.append(String.format(Locale.ROOT, "Ceilings (first run): fixed body %,.0f req/s, one PostgreSQL primary-key SELECT"
        + " %,.0f req/s.%n%n", c.getJsonObject("fixed").getDouble("rps", 0.0), c.getJsonObject("pg").getDouble("rps", 0.0)));
    }
    b.append(table(out.getJsonArray("runs")));
    b.append('\n');
    JsonObject t = out.getJsonObject("targets");
    for (String k : List.of("hotListAtMillionZipf", "coldListMillionVs10k")) {
      JsonObject x = t.getJsonObject(k);
      b.append("- ").append(x.getString("text")).append(": ")
        .append(x.containsKey("met") ? x.getValue("value") + (k.startsWith("hot") ? "x" : "x of 10k") + ", "
          + (x.getBoolean("met") ? "met" : "not met") : "not measured in this run").append('\n');
    }
    JsonObject pgs = out.getJsonObject("postgresqlSettings");
    if (pgs != null) {
      List<String> parts = new ArrayList<>();
      pgs.forEach(e -> parts.add(e.getKey() + "=" + ((JsonObject) e.getValue()).getString("value")));
      b.append("- PostgreSQL (the server's settings; the bench sets none): ").append(String.join(", ", parts)).append(".\n");
    }
    b.append("- 1: response cache on; 1c: off (second start, RESPONSE_CACHE_SIZE=0); 3: adds (customer uniform)."
      + " Edge / product: cache hit ratios in the measured window. CPU: µs per request (3: per accepted add) of the"
      + " service / PostgreSQL. One seeded data set per size, reused (put back as seeded) for the second key"
      + " distribution.\n");
    return b.toString();
  }

  /** The table, also the format of bench/README.md's scaling table. */
  static String table(JsonArray runs) {
    StringBuilder b = new StringBuilder();
    b.append("| customers | keys | 1 req/s | 1 p99 ms | 1 x PG | 1 edge / product hits | 1c req/s | 1c p99 ms | 1c x PG"
      + " | 1c CPU µs svc / PG | 3 accepted/s | 3 p99 ms | 3 stored s | 3 CPU µs svc / PG / RabbitMQ | seed s | database |\n");
    b.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Object o : runs) {
      JsonObject r = (JsonObject) o;
      if (!"ok".equals(r.getString("status"))) {
        b.append("| ").append(r.getString("run")).append(" | missing |").append(" |".repeat(14)).append('\n');
        continue;
      }
      JsonObject s1 = r.getJsonObject("s1");
      JsonObject s1c = r.getJsonObject("s1c");
      JsonObject s3 = r.getJsonObject("s3");
      Long dbBytes = r.getLong("databaseBytes");
      b.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
        r.getInteger("customers"), r.getString("keys"),
        rps(s1, "rps"), p99(s1), x(s1), hits(s1),
        rps(s1c, "rps"), p99(s1c), x(s1c), cpu(s1c, "service", "postgresql"),
        rps(s3, "acceptedPerSecond"), p99(s3), s3 == null || s3.getJsonObject("stored") == null ? ""
          : String.valueOf(s3.getJsonObject("stored").getValue("storedSeconds", "")),
        cpu(s3, "service", "postgresql", "rabbitmq"),
        r.getBoolean("reused", false) ? "reused" : r.getValue("seedSeconds") == null ? ""
          : String.format(Locale.ROOT, "%.0f", r.getDouble("seedSeconds")),
        dbBytes == null ? "" : String.format(Locale.ROOT, "%,.0f MiB", dbBytes / 1048576.0)));
    }
    return b.toString();
  }

  private static String rps(JsonObject s, String key) {
    return s == null ? "" : String.format(Locale.ROOT, "%,.0f", s.getDouble(key, 0.0));
  }

  private static String p99(JsonObject s) {
    return s == null ? "" : String.format(Locale.ROOT, "%.1f", s.getJsonObject("latencyMs", new JsonObject()).getDouble("p99", 0.0));
  }

  private static String x(JsonObject s) {
    return s == null || !s.containsKey("vsPgCeiling") ? "" : String.format(Locale.ROOT, "%.2fx", s.getDouble("vsPgCeiling"));
  }

  private static String hits(JsonObject s) {
    if (s == null) {
      return "";
    }
    JsonObject w = s.getJsonObject("window", new JsonObject());
    return pct(w.getJsonObject("edgeCache")) + " / " + pct(w.getJsonObject("productCache"));
  }

  private static String pct(JsonObject cache) {
    if (cache == null) {
      return "-";
    }
    return cache.containsKey("hitRatio") ? String.format(Locale.ROOT, "%.0f%%", 100 * cache.getDouble("hitRatio")) : "off";
  }

  private static String cpu(JsonObject s, String... keys) {
    if (s == null) {
      return "";
    }
    JsonObject c = s.getJsonObject("window", new JsonObject()).getJsonObject("cpuMicrosPerRequest");
    if (c == null) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (String k : keys) {
      parts.add(BenchReport.us(c.getDouble(k)));
    }
    return String.join(" / ", parts);
  }
}
