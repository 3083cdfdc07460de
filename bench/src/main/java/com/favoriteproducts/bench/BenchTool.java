package com.favoriteproducts.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The helper steps of {@code bench/run.sh}, one JVM per step, configured by {@code BENCH_*} and {@code PG_*}
 * environment variables (see bench/README.md). Not a test: {@code make test} never runs it.
 *
 * <pre>
 *   BenchTool reset-db      drop and create PG_DATABASE (default favorites_bench); refuses any other name pattern;
 *                           BENCH_REUSE_DATA=1 keeps it when it holds the data set asked for (see {@link SeedMarker})
 *   BenchTool pg-settings   PostgreSQL's settings that matter for the figures, into pg-settings.json
 *   BenchTool seed          customers, catalog ids and favorites through the API (see {@link Seeder})
 *   BenchTool wait-stored   wait until the adds of scenario 3 are stored (see {@link StoredWaiter})
 *   BenchTool report        write bench/results/latest.json and latest.md (see {@link BenchReport})
 *   BenchTool scale-report  write bench/results/scale-latest.json and .md from the runs of make bench-scale
 *                           (see {@link ScaleReport})
 *   BenchTool profile F.jfr summarize a Flight Recorder file of the service (see {@link BenchProfile})
 *   BenchTool soak          the load of make soak (see {@link Soak}); soak-report: its report and verdict
 *                           (see {@link SoakReport}; exit code 3 when the soak failed)
 * </pre>
 */
public final class BenchTool {

  private BenchTool() {
  }

  public static void main(String[] args) throws Exception {
    String step = args.length > 0 ? args[0] : "";
    Path work = Path.of(Env.str("BENCH_WORK_DIR", "bench/results/run.tmp"));
    Files.createDirectories(work);
    Vertx vertx = Vertx.vertx();
    int rc = 0;
    try {
      switch (step) {
        case "reset-db" -> resetDatabase(vertx);
        case "pg-settings" -> pgSettings(vertx, work);
        case "seed" -> new Seeder(vertx, work).run();
        case "wait-stored" -> waitStored(vertx, work);
        case "profile" -> {
          String text = BenchProfile.summarize(Path.of(args[1]), 20);
          Files.writeString(Path.of(args[1].replaceAll("\\.jfr$", "") + ".profile.txt"), text);
          System.out.print(text);
        }
        case "soak" -> new Soak(vertx, work).run();
        case "soak-report" -> rc = new SoakReport(work, Path.of(Env.str("BENCH_RESULTS_DIR", "bench/results")))
          .run().isEmpty() ? 0 : 3;
        case "scale-report" -> System.out.print(ScaleReport.run());
        case "report" -> System.out.print(new BenchReport(work,
          Path.of(Env.str("BENCH_RESULTS_DIR", "bench/results"))).run());
        default -> {
          System.err.println("usage: BenchTool reset-db|seed|wait-stored|report|profile FILE.jfr|soak|soak-report");
          rc = 2;
        }
      }
    } catch (Throwable e) {
      System.err.println("[bench] " + step + " failed: " + e);
      rc = 1;
    } finally {
      vertx.close().await();
    }
    System.exit(rc);
  }

  /** The server's settings that shape the figures (this bench sets none of its own), into pg-settings.json. */
  static final List<String> PG_SETTINGS = List.of("server_version", "shared_buffers", "work_mem", "maintenance_work_mem",
    "effective_cache_size", "max_connections", "synchronous_commit", "fsync", "full_page_writes", "wal_level",
    "max_wal_size", "checkpoint_timeout", "autovacuum", "random_page_cost", "jit", "shared_preload_libraries");

  private static void pgSettings(Vertx vertx, Path work) throws java.io.IOException {
    Pool pool = BulkSeeder.pool(vertx);
    JsonObject out = new JsonObject();
    try {
      for (io.vertx.sqlclient.Row r : pool.preparedQuery("SELECT name, setting, unit, source FROM pg_settings"
        + " WHERE name = ANY ($1) ORDER BY name").execute(io.vertx.sqlclient.Tuple.of(PG_SETTINGS.toArray(new String[0])))
        .await()) {
        String shown = pool.query("SHOW " + r.getString(0)).execute().await().iterator().next().getString(0);
        out.put(r.getString(0), new JsonObject().put("value", shown).put("source", r.getString(3)));
      }
    } finally {
      pool.close().await();
    }
    Files.writeString(work.resolve("pg-settings.json"), out.encodePrettily());
    StringBuilder b = new StringBuilder();
    out.forEach(e -> b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append('=')
      .append(((JsonObject) e.getValue()).getString("value")));
    System.out.println("[bench] PostgreSQL settings (the server's own; the bench sets none): " + b);
  }

  /** Drops and recreates the bench database (its name must contain "bench", so a typo cannot drop real data). */
  private static void resetDatabase(Vertx vertx) {
    String db = Env.str("PG_DATABASE", "favorites_bench");
    if (!db.matches("[a-z0-9_]*bench[a-z0-9_]*")) {
      throw new IllegalArgumentException("refusing to drop database '" + db + "': the bench database name must"
        + " contain 'bench' and only [a-z0-9_]");
    }
    if (Env.str("BENCH_REUSE_DATA", "0").equals("1")) {
      JsonObject marker = SeedMarker.read(vertx);
      if (SeedMarker.matches(marker, Env.integer("BENCH_CUSTOMERS", 10_000), Env.integer("BENCH_FAVORITES", 10),
        Env.integer("BENCH_SEED", 42))) {
        System.out.println("[bench] database " + db + " kept (BENCH_REUSE_DATA=1: it holds the data set asked for: "
          + String.join(", ", SeedMarker.describe(marker)) + ")");
        return;
      }
    }
    PgConnectOptions admin = CeilingServer.connectOptions(1).setDatabase("postgres");
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(admin).using(vertx).build();
    try {
      pool.query("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)").execute()
        .compose(v -> pool.query("CREATE DATABASE " + db).execute()).await();
    } finally {
      pool.close().await();
    }
    System.out.println("[bench] database " + db + " dropped and created empty");
  }

  /**
   * Reads {@code s3-jobs.txt} ({@code thread jobId} lines, in acceptance order per thread) or, when no job id was
   * seen, {@code s3-pairs.txt} ({@code customerId productId} lines sent), waits, and writes {@code s3-stored.json}.
   * {@code BENCH_LOAD_END_MS} is when the load ended (epoch ms); {@code BENCH_STORED_PREFIX} renames the files;
   * {@code BENCH_WAIT_FOR_FILE} makes it wait first for that file (wrk's summary) to appear.
   */
  private static void waitStored(Vertx vertx, Path work) throws Exception {
    String prefix = Env.str("BENCH_STORED_PREFIX", "s3");
    long end = Long.parseLong(Env.str("BENCH_LOAD_END_MS", String.valueOf(System.currentTimeMillis())));
    long timeout = Env.integer("BENCH_DRAIN_TIMEOUT", 120) * 1000L;
    int concurrency = Env.integer("BENCH_SEED_CONCURRENCY", 64);
    ServiceClient service = new ServiceClient(vertx, Env.str("BENCH_BASE_URL", "http://127.0.0.1:8100"),
      Env.str("BENCH_TOKEN", ""), concurrency);
    StoredWaiter waiter = new StoredWaiter(vertx, service, concurrency);

    // Started before the load ends (so that its own start-up is not counted): wait for wrk's summary file.
    String waitFor = Env.str("BENCH_WAIT_FOR_FILE", "");
    if (!waitFor.isEmpty()) {
      long until = System.currentTimeMillis() + timeout + Env.integer("BENCH_DURATION", 20) * 1000L;
      while (!Files.exists(Path.of(waitFor)) && System.currentTimeMillis() < until) {
        Thread.sleep(20);
      }
      if (!Files.exists(Path.of(waitFor))) {
        throw new IllegalStateException(waitFor + " never appeared: the load did not finish");
      }
    }
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (String line : lines(work.resolve(prefix + "-jobs.txt"))) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2) {
        groups.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1]);
      }
    }
    JsonObject result;
    if (!groups.isEmpty()) {
      result = waiter.waitJobs(new ArrayList<>(groups.values()), end, timeout);
    } else {
      Map<String, Set<String>> expected = new HashMap<>();
      for (String line : lines(work.resolve(prefix + "-pairs.txt"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length == 2) {
          expected.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[1].toLowerCase(Locale.ROOT));
        }
      }
      JsonObject summary = waitFor.isEmpty() ? new JsonObject() : new JsonObject(Files.readString(Path.of(waitFor)));
      result = expected.isEmpty() ? new JsonObject().put("method", "none").put("accepted", 0).put("pending", 0)
        .put("storedSeconds", 0.0) : waiter.waitLists(expected, summary.getInteger("notAccepted", 0), end, timeout);
    }
    Files.writeString(work.resolve(prefix + "-stored.json"), result.encodePrettily());
    System.out.println("[bench] stored: " + result.encode());
  }

  private static List<String> lines(Path p) throws java.io.IOException {
    return Files.exists(p) ? Files.readAllLines(p) : List.of();
  }
}
