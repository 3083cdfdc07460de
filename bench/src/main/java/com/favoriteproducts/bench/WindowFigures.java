package com.favoriteproducts.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What happened inside the service during one measured window, from what bench/run.sh sampled just before and just
 * after it: the cache hit ratios (the service's {@code /metrics}, {@code NAME.metrics-before} / {@code -after}) and the
 * CPU per request ({@code NAME.cpu-before} / {@code -after}: "pid ticks class" lines from /proc/PID/stat, utime +
 * stime, class svc, pg, rabbitmq, redis or other; svc is the ceiling server in a ceiling's window; the load
 * generator's from the CHILDREN line, the CPU of the bench shell's children reaped in between: wrk, and the few
 * helpers the shell ran meanwhile).
 */
final class WindowFigures {

  static final List<String> PRODUCT_HITS = List.of("local_hit", "redis_hit", "not_found_hit");

  private WindowFigures() {
  }

  static JsonObject of(Path work, String step, long requests, double seconds) throws IOException {
    JsonObject w = new JsonObject();
    Map<String, Double> before = metrics(work.resolve(step + ".metrics-before"));
    Map<String, Double> after = metrics(work.resolve(step + ".metrics-after"));
    if (before != null && after != null) {
      double hits = delta(before, after, "http_response_cache_requests_total", "result=\"hit\"");
      double all = delta(before, after, "http_response_cache_requests_total", null);
      w.put("edgeCache", ratio(hits, all));
      JsonObject product = new JsonObject();
      double productHits = 0;
      for (String result : List.of("local_hit", "redis_hit", "not_found_hit", "stale", "miss", "joined")) {
        double d = delta(before, after, "products_cache_requests_total", "result=\"" + result + "\"");
        product.put(result, Math.round(d));
        if (PRODUCT_HITS.contains(result)) {
          productHits += d;
        }
      }
      double productAll = delta(before, after, "products_cache_requests_total", null);
      w.put("productCache", ratio(productHits, productAll).put("byResult", product));
    }
    Map<String, Long> cpuBefore = ticks(work.resolve(step + ".cpu-before"));
    Map<String, Long> cpuAfter = ticks(work.resolve(step + ".cpu-after"));
    if (cpuBefore != null && cpuAfter != null && requests > 0) {
      Map<String, Long> byClass = new HashMap<>();
      for (Map.Entry<String, Long> e : cpuAfter.entrySet()) {
        String[] pidClass = e.getKey().split(" ");
        long d = e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L);
        byClass.merge(pidClass[1], Math.max(0, d), Long::sum);
      }
      double hz = Env.integer("BENCH_HZ", 100);
      JsonObject perRequest = new JsonObject();
      JsonObject cores = new JsonObject();
      for (String[] c : new String[][] {{"svc", "service"}, {"pg", "postgresql"}, {"rabbitmq", "rabbitmq"},
        {"redis", "redis"}}) {
        double cpuSeconds = byClass.getOrDefault(c[0], 0L) / hz;
        perRequest.put(c[1], Math.round(cpuSeconds * 1e6 / requests * 10) / 10.0);
        if (seconds > 0) {
          cores.put(c[1], Math.round(cpuSeconds / seconds * 100) / 100.0);
        }
      }
      Long childrenBefore = children(work.resolve(step + ".cpu-before"));
      Long childrenAfter = children(work.resolve(step + ".cpu-after"));
      if (childrenBefore != null && childrenAfter != null) {
        double cpuSeconds = Math.max(0, childrenAfter - childrenBefore) / hz;
        perRequest.put("loadGenerator", Math.round(cpuSeconds * 1e6 / requests * 10) / 10.0);
        if (seconds > 0) {
          cores.put("loadGenerator", Math.round(cpuSeconds / seconds * 100) / 100.0);
        }
      }
      w.put("requests", requests).put("cpuMicrosPerRequest", perRequest).put("cpuCoresUsed", cores);
    }
    return w;
  }

  private static JsonObject ratio(double hits, double all) {
    JsonObject r = new JsonObject().put("hits", Math.round(hits)).put("lookups", Math.round(all));
    if (all > 0) {
      r.put("hitRatio", Math.round(hits / all * 10000) / 10000.0);
    }
    return r;
  }

  /** Sum over the series of {@code name} whose labels contain {@code label} (any when null), after minus before. */
  private static double delta(Map<String, Double> before, Map<String, Double> after, String name, String label) {
    return sum(after, name, label) - sum(before, name, label);
  }

  private static double sum(Map<String, Double> m, String name, String label) {
    double total = 0;
    for (Map.Entry<String, Double> e : m.entrySet()) {
      String k = e.getKey();
      boolean nameMatches = k.equals(name) || k.startsWith(name + "{");
      if (nameMatches && (label == null || k.contains(label))) {
        total += e.getValue();
      }
    }
    return total;
  }

  /** Prometheus text: series (name and labels as written) to value; null when the file is missing or empty. */
  static Map<String, Double> metrics(Path p) throws IOException {
    if (!Files.exists(p) || Files.size(p) == 0) {
      return null;
    }
    Map<String, Double> m = new HashMap<>();
    for (String line : Files.readAllLines(p)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int sp = line.lastIndexOf(' ');
      if (sp <= 0) {
        continue;
      }
      try {
        m.put(line.substring(0, sp).trim(), Double.parseDouble(line.substring(sp + 1).trim()));
      } catch (NumberFormatException e) {
        // not a sample line
      }
    }
    return m;
  }

  /** The CHILDREN ticks of a cpu snapshot (the bench shell's reaped children, wrk among them); null when missing. */
  private static Long children(Path p) throws IOException {
    if (!Files.exists(p)) {
      return null;
    }
    for (String line : Files.readAllLines(p)) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2 && f[0].equals("CHILDREN") && f[1].matches("\\d+")) {
        return Long.parseLong(f[1]);
      }
    }
    return null;
  }

  /** "pid class" to ticks, from a cpu snapshot; null when missing. */
  private static Map<String, Long> ticks(Path p) throws IOException {
    if (!Files.exists(p)) {
      return null;
    }
    Map<String, Long> m = new HashMap<>();
    for (String line : Files.readAllLines(p)) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 3 && f[0].matches("\\d+") && f[1].matches("\\d+")) {
        m.put(f[0] + " " + f[2], Long.parseLong(f[1]));
      }
    }
    return m;
  }
}
