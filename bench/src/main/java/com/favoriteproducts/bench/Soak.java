package com.favoriteproducts.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code BenchTool soak}: the load of {@code make soak} (bench/soak.sh), which has started the private servers, the
 * service and fake-products and seeded the data. Steps: the peak (a closed-loop ramp, or {@code SOAK_RATE}, or an
 * estimate from the last {@code make bench}), the open-loop mixed load at {@code SOAK_LOAD_PERCENT} of it for
 * {@code SOAK_DURATION} seconds with one restart of {@code SOAK_RESTART} in the middle, samples of memory and pools
 * every {@code SOAK_SAMPLE_SECONDS}, then the drain of the add pipeline and the stored-adds check. Writes
 * {@code soak-run.json} into {@code BENCH_WORK_DIR}; {@link SoakReport} turns it into the report.
 */
final class Soak {

  private final Vertx vertx;
  private final Path work;

  Soak(Vertx vertx, Path work) {
    this.vertx = vertx;
    this.work = work;
  }

  void run() throws Exception {
    int duration = Env.integer("SOAK_DURATION", 600);
    int percent = Env.integer("SOAK_LOAD_PERCENT", 70);
    String server = Env.str("SOAK_RESTART", "postgres");
    int restartAt = Env.integer("SOAK_RESTART_AT", duration / 2);
    int sampleSeconds = Math.max(1, Env.integer("SOAK_SAMPLE_SECONDS", 10));
    long pid = Long.parseLong(Env.str("SOAK_SERVICE_PID", "0"));
    String base = Env.str("BENCH_BASE_URL", "http://127.0.0.1:8120");
    String token = Env.str("BENCH_TOKEN", "");
    ServiceClient service = new ServiceClient(vertx, base, token, Env.integer("SOAK_CONNECTIONS", 64),
      Env.integer("SOAK_TIMEOUT_SECONDS", 10) * 1000L);
    ServiceClient control = new ServiceClient(vertx, base, token, 2); // probes: never queued behind the load
    Pool pg = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
      .connectingTo(CeilingServer.connectOptions(1).addProperty("application_name", SoakProbe.APPLICATION_NAME))
      .using(vertx).build();
    JsonObject out = new JsonObject();

    List<String> customers = Files.readAllLines(Path.of(Env.str("BENCH_IDS", work.resolve("customers.txt").toString())));
    List<String> products = Files.readAllLines(Path.of(Env.str("BENCH_PRODUCTS", work.resolve("products.txt").toString())));
    customers.removeIf(String::isBlank);
    products.removeIf(String::isBlank);
    if (customers.isEmpty() || products.isEmpty()) {
      throw new IllegalStateException("no seeded customers or no catalog products: nothing to load");
    }
    List<String[]> favorites = new ArrayList<>();
    for (Row row : pg.query("SELECT customer_id::text, product_id::text FROM favorites ORDER BY random() LIMIT 20000")
      .execute().await()) {
      favorites.add(new String[] {row.getString(0), row.getString(1)});
    }
    SoakLoad load = new SoakLoad(vertx, service, customers, products, favorites, Env.str("BENCH_RUN_ID", "soak"));
    SoakCheck check = new SoakCheck(pg);
    SoakProbe probe = new SoakProbe(pid, control, pg, Env.str("PG_DATABASE", "favorites"));

    // 1. The rate.
    JsonObject peak = peak(load, check);
    double rate = Math.max(1, Math.round(peak.getDouble("perSecond") * percent / 100.0));
    out.put("peak", peak).put("loadPercent", percent).put("rate", rate);
    System.out.printf(Locale.ROOT, "[soak] load: %,.0f requests/s (%d%% of %,.0f/s, %s) for %d s, restart of %s at %d s%n",
      rate, percent, peak.getDouble("perSecond"), peak.getString("from"), duration, server, restartAt);

    // 2. The start: the heap as it is and after a full GC, memory and pools.
    JsonObject start = new JsonObject().put("heap", probe.heap(false)).put("liveHeap", probe.heap(true))
      .put("sample", probe.sample(0));

    // 3. The load, the restart, the samples.
    long t0 = System.nanoTime() + 100_000_000L;
    SoakRestart restart = new SoakRestart(server, Path.of(Env.str("SOAK_DEPS_SCRIPT", "bench/soak-deps.sh")),
      restartAt * 1000L, Env.integer("SOAK_DOWN_SECONDS", 5), Env.integer("SOAK_GRACE_SECONDS", 5), t0, control);
    Thread restartThread = new Thread(restart, "soak-restart");
    boolean restarting = restartAt >= 0 && restartAt < duration && !server.equals("none");
    if (restarting) {
      restartThread.start();
    }
    JsonArray samples = new JsonArray();
    Thread sampler = new Thread(() -> {
      try {
        for (int i = 1; ; i++) {
          long wait = t0 + i * sampleSeconds * 1_000_000_000L - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
          }
          samples.add(probe.sample((System.nanoTime() - t0) / 1_000_000));
        }
      } catch (InterruptedException e) {
        // the load is over
      }
    }, "soak-sampler");
    sampler.setDaemon(true);
    sampler.start();
    load.openLoop(rate, duration, t0).await(duration + 300L, TimeUnit.SECONDS);
    long loadEndMs = (System.nanoTime() - t0) / 1_000_000;
    sampler.interrupt();
    sampler.join();
    if (restarting) {
      restartThread.join();
    }
    JsonObject end = new JsonObject().put("heap", probe.heap(false)).put("sample", probe.sample(loadEndMs));
    System.out.printf(Locale.ROOT, "[soak] load ended after %.1f s; waiting for the add pipeline to drain%n", loadEndMs / 1000.0);

    // 4. Drain and check.
    JsonObject drain = check.drain(Env.integer("SOAK_DRAIN_TIMEOUT", 120) * 1000L);
    drain.put("drainedAfterLoadS", StoredWaiter.round(((System.nanoTime() - t0) / 1_000_000 - loadEndMs) / 1000.0));
    JsonObject stored = check.verify(load.acceptedPairs, load.acceptedJobs, load.refusedPairs).put("drain", drain);
    end.put("liveHeap", probe.heap(true)).put("afterDrain", probe.sample((System.nanoTime() - t0) / 1_000_000));
    max(end, samples, "sqlPoolInUse");
    max(end, samples, "sqlPoolPending");
    max(end, samples, "pgBackends");
    max(end, samples, "rssKiB");
    try {
      end.put("pgMaxConnections", Long.parseLong(pg.query("SHOW max_connections").execute().await().iterator().next().getString(0)));
    } catch (Exception e) {
      // not readable: left out
    }

    JsonObject window = restarting ? restart.result() : new JsonObject().put("server", "none");
    out.put("durationSeconds", duration).put("loadEndS", loadEndMs / 1000.0).put("restart", window)
      .put("start", start).put("end", end).put("samples", samples).put("stored", stored)
      .put("requests", stats(load.records, window)).put("timeline", timeline(load.records, samples, sampleSeconds));
    Files.writeString(work.resolve("soak-run.json"), out.encodePrettily());
    service.close();
    control.close();
    pg.close().await();
  }

  /** SOAK_RATE (> 0) as the load itself; else SOAK_PEAK_FROM: ramp (default) or latest (bench/results/latest.json). */
  private JsonObject peak(SoakLoad load, SoakCheck check) throws IOException, InterruptedException {
    int explicit = Env.integer("SOAK_RATE", 0);
    if (explicit > 0) {
      // The rate is given: the "peak" it stands for, so that percent x peak = SOAK_RATE.
      return new JsonObject().put("from", "SOAK_RATE").put("perSecond", explicit * 100.0 / Env.integer("SOAK_LOAD_PERCENT", 70));
    }
    String from = Env.str("SOAK_PEAK_FROM", "ramp");
    if (from.equals("latest")) {
      JsonObject latest = latestEstimate();
      if (latest != null) {
        return latest;
      }
      System.out.println("[soak] SOAK_PEAK_FROM=latest: no usable bench/results/latest.json; measuring with a ramp");
    }
    JsonArray steps = new JsonArray();
    double best = 0;
    for (String s : Env.str("SOAK_RAMP_STEPS", "8 32 64").split("\\s+")) {
      JsonObject step = load.closedLoop(Integer.parseInt(s), Env.integer("SOAK_RAMP_SECONDS", 10)).await();
      System.out.printf(Locale.ROOT, "[soak] ramp: %d in flight: %,d requests/s answered without a 5xx (%d 5xx, %d unanswered)%n",
        step.getInteger("inFlight"), step.getLong("perSecond"), step.getInteger("status5xx"), step.getInteger("noAnswer"));
      steps.add(step);
      best = Math.max(best, step.getLong("perSecond"));
    }
    JsonObject drained = check.drain(Env.integer("SOAK_DRAIN_TIMEOUT", 120) * 1000L);
    System.out.printf(Locale.ROOT, "[soak] ramp: peak %,.0f requests/s; its adds drained in %.1f s%n", best, drained.getDouble("seconds"));
    return new JsonObject().put("from", "ramp (closed loop, same mix)").put("perSecond", best).put("steps", steps)
      .put("drain", drained);
  }

  /**
   * The mixed peak estimated from the last make bench's single-scenario peaks, assuming each kind costs what it cost
   * alone: 1 / sum(share / peak). Lists and favorite gets use scenario 1, customer gets scenario 2, adds scenario 3
   * (accepted/s), customer writes scenario 4.
   */
  private static JsonObject latestEstimate() throws IOException {
    Path p = Path.of(Env.str("BENCH_RESULTS_DIR", "bench/results")).resolve("latest.json");
    if (!Files.exists(p)) {
      return null;
    }
    Map<String, Double> rps = new TreeMap<>();
    for (Object o : new JsonObject(Files.readString(p)).getJsonArray("scenarios", new JsonArray())) {
      JsonObject s = (JsonObject) o;
      if ("ok".equals(s.getString("status"))) {
        rps.put(s.getString("id"), s.getDouble(s.getString("id").equals("3") ? "acceptedPerSecond" : "rps", 0.0));
      }
    }
    String[] scenario = {"1", "2", "1", "3", "4", "4", "4"};
    double cost = 0;
    for (SoakLoad.Kind k : SoakLoad.Kind.values()) {
      Double r = rps.get(scenario[k.ordinal()]);
      if (r == null || r <= 0) {
        return null;
      }
      cost += k.percent / 100.0 / r;
    }
    return new JsonObject().put("from", "estimate from " + p + " (1 / sum(share / scenario peak))")
      .put("perSecond", (double) Math.round(1 / cost)).put("scenarios", new JsonObject(new TreeMap<>(rps)));
  }

  private static void max(JsonObject end, JsonArray samples, String key) {
    long m = -1;
    for (Object o : samples) {
      Long v = ((JsonObject) o).getLong(key);
      if (v != null) {
        m = Math.max(m, v);
      }
    }
    if (m >= 0) {
      end.put("max" + Character.toUpperCase(key.charAt(0)) + key.substring(1), m);
    }
  }

  /** Per kind: requests, statuses, p50/p99 (ms from when each was due), 5xx and unanswered inside/outside the window. */
  static JsonObject stats(SoakLoad.Records r, JsonObject window) {
    long ws = window.getLong("windowStartMs", Long.MAX_VALUE);
    long we = window.getLong("windowEndMs", Long.MIN_VALUE);
    JsonObject perKind = new JsonObject();
    long[] totals = new long[4]; // 5xx inside, 5xx outside, unanswered inside, unanswered outside
    long first5xx = -1;
    long last5xx = -1;
    for (SoakLoad.Kind k : SoakLoad.Kind.values()) {
      int[] lat = new int[r.size];
      int[] latOutside = new int[r.size];
      int n = 0;
      int nOut = 0;
      long[] errs = new long[4];
      Map<String, Long> statuses = new TreeMap<>();
      for (int i = 0; i < r.size; i++) {
        if (r.kind[i] != k.ordinal()) {
          continue;
        }
        int s = r.status[i];
        boolean inside = r.dueMs[i] <= we && r.endMs[i] >= ws;
        statuses.merge(s == SoakLoad.NO_ANSWER ? "no answer" : String.valueOf(s), 1L, Long::sum);
        lat[n++] = r.latencyUs[i];
        if (!inside) {
          latOutside[nOut++] = r.latencyUs[i];
        }
        if (s >= 500) {
          errs[inside ? 0 : 1]++;
          first5xx = first5xx < 0 ? r.endMs[i] : Math.min(first5xx, r.endMs[i]);
          last5xx = Math.max(last5xx, r.endMs[i]);
        } else if (s == SoakLoad.NO_ANSWER) {
          errs[inside ? 2 : 3]++;
        }
      }
      for (int j = 0; j < 4; j++) {
        totals[j] += errs[j];
      }
      perKind.put(k.name().toLowerCase(Locale.ROOT), new JsonObject().put("title", k.title).put("request", k.request)
        .put("percent", k.percent).put("requests", n).put("statuses", new JsonObject(new TreeMap<>(statuses)))
        .put("status5xxInside", errs[0]).put("status5xxOutside", errs[1])
        .put("noAnswerInside", errs[2]).put("noAnswerOutside", errs[3])
        .put("latencyMs", percentiles(lat, n)).put("latencyOutsideMs", percentiles(latOutside, nOut)));
    }
    JsonObject all = new JsonObject().put("requests", r.size).put("status5xxInside", totals[0])
      .put("status5xxOutside", totals[1]).put("noAnswerInside", totals[2]).put("noAnswerOutside", totals[3]);
    if (first5xx >= 0) {
      all.put("first5xxS", first5xx / 1000.0).put("last5xxS", last5xx / 1000.0);
    }
    return new JsonObject().put("all", all).put("kinds", perKind);
  }

  private static JsonObject percentiles(int[] us, int n) {
    if (n == 0) {
      return new JsonObject();
    }
    int[] a = Arrays.copyOf(us, n);
    Arrays.sort(a);
    return new JsonObject().put("p50", at(a, 0.50)).put("p99", at(a, 0.99)).put("max", a[n - 1] / 1000.0);
  }

  private static double at(int[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return Math.round(sorted[Math.max(0, i)] / 10.0) / 100.0;
  }

  /** Per sample interval (by when requests were due): requests, 5xx, unanswered, p99, and that interval's sample. */
  private static JsonArray timeline(SoakLoad.Records r, JsonArray samples, int seconds) {
    int buckets = 0;
    for (int i = 0; i < r.size; i++) {
      buckets = Math.max(buckets, r.dueMs[i] / (seconds * 1000) + 1);
    }
    List<List<Integer>> lat = new ArrayList<>();
    long[][] c = new long[buckets][3];
    for (int b = 0; b < buckets; b++) {
      lat.add(new ArrayList<>());
    }
    for (int i = 0; i < r.size; i++) {
      int b = r.dueMs[i] / (seconds * 1000);
      c[b][0]++;
      if (r.status[i] >= 500) {
        c[b][1]++;
      } else if (r.status[i] == SoakLoad.NO_ANSWER) {
        c[b][2]++;
      }
      lat.get(b).add(r.latencyUs[i]);
    }
    JsonArray t = new JsonArray();
    for (int b = 0; b < buckets; b++) {
      int[] a = lat.get(b).stream().mapToInt(Integer::intValue).sorted().toArray();
      JsonObject row = new JsonObject().put("fromS", b * seconds).put("requests", c[b][0]).put("status5xx", c[b][1])
        .put("noAnswer", c[b][2]).put("p99Ms", a.length == 0 ? 0 : at(a, 0.99));
      if (b < samples.size()) {
        row.put("sample", samples.getJsonObject(b));
      }
      t.add(row);
    }
    return t;
  }
}
