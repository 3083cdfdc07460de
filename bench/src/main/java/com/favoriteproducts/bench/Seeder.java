package com.favoriteproducts.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Seeds the bench data set: {@code BENCH_CUSTOMERS} customers through the API ({@code POST /v1/customers}, bounded
 * concurrency on one keep-alive connection pool), the product ids of the fake catalog, and {@code BENCH_FAVORITES}
 * distinct random favorites per customer: one through the API (the probe), the others with the SQL bulk path
 * (default) or through the API ({@code BENCH_FAVORITES_SEED=api}: {@code PUT /v1/customers/{id}/favorites/{productId}},
 * then a wait until the accepted adds are stored).
 *
 * <p>The favorites step is skipped, with the reason in {@code seed.json}, when there is no catalog (fake-products not
 * running) or when a first probing PUT answers 404/405 (the endpoint does not exist yet) or anything else but 2xx.
 *
 * <p>Above BENCH_CUSTOMERS_SQL_ABOVE customers (or with BENCH_CUSTOMERS_SEED=sql) only the first customer goes
 * through the API (with the probe); the others and their favorites are inserted with SQL ({@link BulkSeeder}). Then
 * VACUUM (ANALYZE), a check of the favorites counts, and the data set's marker ({@link SeedMarker}, for
 * BENCH_REUSE_DATA=1).
 *
 * <p>Writes {@code customers.txt} (seeding order), {@code customers-ranked.txt} (the same ids shuffled by BENCH_SEED,
 * for zipf ranks) and {@code products.txt} (one id a line) and {@code seed.json} into {@code BENCH_WORK_DIR}.
 */
final class Seeder {

  private final Vertx vertx;
  private final Path work;
  private final int concurrency;
  private final Random random = new Random(Env.integer("BENCH_SEED", 42));

  Seeder(Vertx vertx, Path work) {
    this.vertx = vertx;
    this.work = work;
    this.concurrency = Env.integer("BENCH_SEED_CONCURRENCY", 64);
  }

  JsonObject run() throws IOException {
    ServiceClient service = new ServiceClient(vertx, Env.str("BENCH_BASE_URL", "http://127.0.0.1:8100"),
      Env.str("BENCH_TOKEN", ""), concurrency);
    JsonObject out = new JsonObject();
    int n = Env.integer("BENCH_CUSTOMERS", 10_000);
    int per = Env.integer("BENCH_FAVORITES", 10);
    long seed = Env.integer("BENCH_SEED", 42);
    String mode = customersMode(n);
    out.put("customersSeed", mode);
    long t0 = System.nanoTime();
    if (Env.str("BENCH_REUSE_DATA", "0").equals("1")) {
      JsonObject marker = SeedMarker.read(vertx);
      if (SeedMarker.matches(marker, n, per, seed)) {
        return reuse(marker, out, seed);
      }
      System.out.println("[seed] BENCH_REUSE_DATA=1 but the database holds no data set of this size and seed: seeding");
    }
    List<String> customers = seedCustomers(service, mode.equals("sql") ? Math.min(n, 1) : n, out);
    List<String> products = catalog(out);
    seedFavorites(service, customers, products, per, out);
    JsonObject fav = out.getJsonObject("favorites");
    boolean available = fav.getBoolean("available", false);
    // The probe's add must be stored before the data set is recorded as seeded (its added_at is before the marker);
    // waited for now, while the client's keep-alive connections are fresh (the service closes idle ones after 60 s).
    String probeJob = fav.getString("probeJob");
    if (probeJob != null) {
      JsonObject probeStored = new StoredWaiter(vertx, service, 1).waitJobs(List.of(List.of(probeJob)),
        System.currentTimeMillis(), 30_000);
      if (probeStored.getInteger("pending", 0) > 0) {
        System.out.println("[seed] WARNING: the probe's add " + probeJob + " was not seen stored within 30 s");
      }
    }
    if (mode.equals("sql") && n > customers.size()) {
      BulkSeeder.seed(vertx, customers.size(), n - customers.size(), available ? Math.min(per, products.size()) : 0,
        seed, Env.str("BENCH_RUN_ID", Long.toString(System.currentTimeMillis(), 36)), products, productData, out);
      out.getJsonObject("customers").put("requested", n).put("created", n).put("viaApi", customers.size())
        .put("viaSql", n - customers.size());
    }
    out.put("vacuumAnalyzeSeconds", BulkSeeder.vacuumAnalyze(vertx));
    JsonObject counts = BulkSeeder.checkCounts(vertx);
    out.put("counts", counts);
    if (!counts.getBoolean("consistent")) {
      System.out.println("[seed] WARNING: favorites_count does not add up: " + counts.encode());
    }
    String status = available ? "available" : fav.getString("reason", "unknown");
    SeedMarker.write(vertx, n, per, seed, products.size(), status, mode);
    if (mode.equals("sql")) {
      BulkSeeder.writeIds(vertx, work, Long.MAX_VALUE, seed);
    } else {
      BulkSeeder.writeRanked(work, customers, seed);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    out.put("totalSeconds", StoredWaiter.round(seconds));
    System.out.printf("[seed] data set ready in %.1f s (%s customers seed, VACUUM ANALYZE %.1f s; counts %s)%n", seconds,
      mode, out.getDouble("vacuumAnalyzeSeconds"), counts.encode());
    return finish(out, status);
  }

  /** api below BENCH_CUSTOMERS_SQL_ABOVE customers (default 20,000) when BENCH_CUSTOMERS_SEED=auto (the default). */
  static String customersMode(int n) {
    String mode = Env.str("BENCH_CUSTOMERS_SEED", "auto");
    return switch (mode) {
      case "api", "sql" -> mode;
      case "auto" -> n > Env.integer("BENCH_CUSTOMERS_SQL_ABOVE", 20_000) ? "sql" : "api";
      default -> throw new IllegalArgumentException("BENCH_CUSTOMERS_SEED must be api, sql or auto, got '" + mode + "'");
    };
  }

  private JsonObject reuse(JsonObject marker, JsonObject out, long seed) throws IOException {
    long t0 = System.nanoTime();
    System.out.println("[seed] BENCH_REUSE_DATA=1: reusing the data set in the database (" + String.join(", ",
      SeedMarker.describe(marker)) + ")");
    JsonObject deleted = SeedMarker.restore(vertx, marker);
    System.out.println("[seed] put back as seeded: deleted " + deleted.encode());
    out.put("vacuumAnalyzeSeconds", BulkSeeder.vacuumAnalyze(vertx));
    int ids = BulkSeeder.writeIds(vertx, work, marker.getLong("maxSeq"), seed);
    List<String> products = catalog(out);
    if (products.size() != marker.getInteger("products")) {
      throw new IllegalStateException("the catalog has " + products.size() + " products, the reused data set was seeded"
        + " with " + marker.getInteger("products") + ": run without BENCH_REUSE_DATA");
    }
    JsonObject counts = BulkSeeder.checkCounts(vertx);
    out.put("reused", marker.put("deletedAfterSeeding", deleted)).put("counts", counts)
      .put("customers", new JsonObject().put("requested", marker.getInteger("customers")).put("created", ids)
        .put("seconds", 0.0).put("perSecond", 0).put("reused", true))
      .put("customersSeed", marker.getString("customersSeed"))
      .put("favorites", new JsonObject().put("available", "available".equals(marker.getString("favoritesStatus")))
        .put("status", "reused").put("reason", marker.getString("favoritesStatus")));
    double seconds = (System.nanoTime() - t0) / 1e9;
    out.put("totalSeconds", StoredWaiter.round(seconds));
    System.out.printf("[seed] reused data set ready in %.1f s (%,d customers; counts %s)%n", seconds, ids, counts.encode());
    return finish(out, marker.getString("favoritesStatus"));
  }

  private JsonObject finish(JsonObject out, String favoritesStatus) throws IOException {
    Files.writeString(work.resolve("seed.json"), out.encodePrettily());
    // For bench/run.sh: "available", or why the favorites scenarios are skipped.
    Files.writeString(work.resolve("favorites.status"), favoritesStatus + "\n");
    return out;
  }

  private List<String> seedCustomers(ServiceClient service, int n, JsonObject out) throws IOException {
    String runId = Env.str("BENCH_RUN_ID", Long.toString(System.currentTimeMillis(), 36));
    String[] ids = new String[n];
    Map<Integer, Integer> statuses = new TreeMap<>();
    String[] firstError = new String[1];
    System.out.printf("[seed] creating %,d customers (concurrency %d)%n", n, concurrency);
    long t0 = System.nanoTime();
    Parallel.run(vertx, n, concurrency, i -> {
      JsonObject body = new JsonObject().put("name", "Bench Customer " + i)
        .put("email", "seed-" + runId + "-" + i + "@example.com");
      return service.postJson("/v1/customers", body).andThen(ar -> {
        int status = ar.succeeded() ? ar.result().statusCode() : -1;
        statuses.merge(status, 1, Integer::sum);
        if (status == 201) {
          JsonObject c = ServiceClient.jsonOrNull(ar.result());
          ids[i] = c == null ? null : c.getString("id");
        } else if (firstError[0] == null) {
          firstError[0] = ar.succeeded() ? ServiceClient.describe(ar.result()) : ar.cause().toString();
        }
      });
    }).await();
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<String> created = new ArrayList<>();
    for (String id : ids) {
      if (id != null) {
        created.add(id);
      }
    }
    Files.write(work.resolve("customers.txt"), created);
    System.out.printf("[seed] %,d customers created in %.1f s (%,.0f/s)%s%n", created.size(), seconds,
      created.size() / seconds, created.size() < n ? "; " + (n - created.size()) + " failed, statuses " + statuses
        + ", first: " + firstError[0] : "");
    out.put("customers", new JsonObject().put("requested", n).put("created", created.size())
      .put("seconds", StoredWaiter.round(seconds)).put("perSecond", Math.round(created.size() / seconds))
      .put("statuses", statusJson(statuses)).put("firstError", firstError[0]));
    if (created.isEmpty()) {
      throw new IllegalStateException("no customer could be created: " + firstError[0]);
    }
    return created;
  }

  /** The product ids of the fake catalog, page by page until a 404 or an empty page (or BENCH_CATALOG_PAGES). */
  /** Product data by id, from the catalog pages (for the SQL bulk path's snapshots). */
  private final Map<String, JsonObject> productData = new java.util.HashMap<>();

  private List<String> catalog(JsonObject out) throws IOException {
    String url = Env.str("BENCH_PRODUCTS_URL", "");
    List<String> ids = new ArrayList<>();
    if (url.isEmpty()) {
      out.put("products", new JsonObject().put("count", 0)
        .put("skipped", Env.str("BENCH_PRODUCTS_SKIP_REASON", "no product API (BENCH_PRODUCTS_URL is empty)")));
      Files.write(work.resolve("products.txt"), ids);
      return ids;
    }
    ServiceClient products = new ServiceClient(vertx, url, null, 4);
    int maxPages = Env.integer("BENCH_CATALOG_PAGES", 100);
    for (int page = 1; page <= maxPages; page++) {
      HttpResponse<Buffer> r = products.get("/api/product/?page=" + page).await();
      if (r.statusCode() == 404) {
        break;
      }
      if (r.statusCode() != 200) {
        throw new IllegalStateException("fake-products page " + page + " answered " + ServiceClient.describe(r));
      }
      JsonObject body = ServiceClient.jsonOrNull(r);
      JsonArray list = body == null ? null : body.getJsonArray("products");
      if (list == null || list.isEmpty()) {
        break;
      }
      for (Object o : list) {
        JsonObject p = (JsonObject) o;
        ids.add(p.getString("id"));
        productData.put(p.getString("id"), p);
      }
    }
    products.close();
    Files.write(work.resolve("products.txt"), ids);
    System.out.printf("[seed] %,d product ids read from the fake catalog%n", ids.size());
    out.put("products", new JsonObject().put("count", ids.size()));
    return ids;
  }

  private void seedFavorites(ServiceClient service, List<String> customers, List<String> products, int perCustomer,
                             JsonObject out) {
    JsonObject fav = new JsonObject();
    out.put("favorites", fav);
    if (products.isEmpty()) {
      skip(fav, "no product catalog: " + out.getJsonObject("products").getString("skipped", "empty catalog"));
      return;
    }
    // The pairs: perCustomer distinct random products per customer (at least one pair, for the probe).
    int per = Math.min(perCustomer, products.size());
    List<String[]> pairs = new ArrayList<>(customers.size() * Math.max(per, 1));
    for (String c : customers) {
      for (int idx : random.ints(0, products.size()).distinct().limit(per).toArray()) {
        pairs.add(new String[] {c, products.get(idx)});
      }
    }
    if (pairs.isEmpty()) {
      pairs.add(new String[] {customers.get(0), products.get(0)});
    }
    HttpResponse<Buffer> probe = service.put(path(pairs.get(0))).await();
    int status = probe.statusCode();
    fav.put("probeStatus", status);
    if (status == 404 || status == 405) {
      JsonObject problem = ServiceClient.jsonOrNull(probe);
      fav.put("probeAnswer", ServiceClient.describe(probe));
      skip(fav, "PUT /v1/customers/{id}/favorites/{productId} answered " + status
        + (problem != null && problem.getString("title") != null ? " " + problem.getString("title") : "")
        + " (endpoint not available yet)");
      return;
    }
    if (status / 100 != 2) {
      skip(fav, "PUT favorites probe answered " + ServiceClient.describe(probe));
      return;
    }
    fav.put("available", true);
    if (status == 202 && ServiceClient.jobId(probe) != null) {
      fav.put("probeJob", ServiceClient.jobId(probe));
    }
    if (perCustomer <= 0) {
      fav.put("status", "skipped").put("reason", "BENCH_FAVORITES=0 (one probe favorite added)");
      System.out.println("[seed] favorites: BENCH_FAVORITES=0, seeding skipped (the endpoint answers " + status + ")");
      return;
    }
    String mode = Env.str("BENCH_FAVORITES_SEED", "sql");
    if (mode.equals("sql")) {
      try {
        bulkInsert(pairs.subList(1, pairs.size()), fav);
        return;
      } catch (RuntimeException e) {
        System.out.println("[seed] favorites: the SQL bulk path failed (" + e.getMessage() + "); using the API instead");
        fav.put("bulkError", String.valueOf(e.getMessage()));
      }
    }
    List<String> jobs = new ArrayList<>();
    String firstJob = status == 202 ? ServiceClient.jobId(probe) : null;
    if (firstJob != null) {
      jobs.add(firstJob);
    }
    Map<Integer, Integer> statuses = new TreeMap<>();
    statuses.merge(status, 1, Integer::sum);
    String[] firstError = new String[1];
    int n = pairs.size() - 1;
    System.out.printf("[seed] adding %,d favorites (%d per customer, concurrency %d)%n", pairs.size(), per, concurrency);
    long t0 = System.nanoTime();
    Parallel.run(vertx, n, concurrency, i -> service.put(path(pairs.get(i + 1))).andThen(ar -> {
      int s = ar.succeeded() ? ar.result().statusCode() : -1;
      statuses.merge(s, 1, Integer::sum);
      if (s == 202) {
        String job = ServiceClient.jobId(ar.result());
        if (job != null) {
          jobs.add(job);
        }
      } else if (s / 100 != 2 && firstError[0] == null) {
        firstError[0] = ar.succeeded() ? ServiceClient.describe(ar.result()) : ar.cause().toString();
      }
    })).await();
    long endMs = System.currentTimeMillis();
    double seconds = (System.nanoTime() - t0) / 1e9;
    int ok = statuses.entrySet().stream().filter(e -> e.getKey() / 100 == 2).mapToInt(Map.Entry::getValue).sum();
    System.out.printf("[seed] %,d favorites answered 2xx in %.1f s (%,.0f/s), statuses %s%s%n", ok, seconds,
      ok / seconds, statuses, firstError[0] == null ? "" : ", first error: " + firstError[0]);
    fav.put("status", "ok").put("requested", pairs.size()).put("ok", ok).put("statuses", statusJson(statuses))
      .put("seconds", StoredWaiter.round(seconds)).put("perSecond", Math.round(ok / seconds))
      .put("firstError", firstError[0]);
    StoredWaiter waiter = new StoredWaiter(vertx, service, concurrency);
    JsonObject stored;
    if (!jobs.isEmpty()) {
      stored = waiter.waitJobs(List.of(jobs), endMs, Env.integer("BENCH_DRAIN_TIMEOUT", 120) * 1000L);
    } else {
      Map<String, java.util.Set<String>> expected = new java.util.HashMap<>();
      for (String[] p : pairs) {
        expected.computeIfAbsent(p[0], k -> new java.util.HashSet<>()).add(p[1].toLowerCase(Locale.ROOT));
      }
      stored = waiter.waitLists(expected, pairs.size() - ok, endMs, Env.integer("BENCH_DRAIN_TIMEOUT", 120) * 1000L);
    }
    fav.put("stored", stored);
    System.out.println("[seed] favorites stored: " + stored.encode());
  }

  /**
   * The documented bulk path (BENCH_FAVORITES_SEED=sql, the default): the rows the add jobs would write, product
   * snapshot from the catalog included, inserted straight into the service's {@code favorites} table in batches
   * ({@code INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING}). Through the API the same 100,000 adds take
   * minutes on 2 cores; scenario 3 measures the API path.
   */
  private void bulkInsert(List<String[]> pairs, JsonObject fav) {
    int batch = 5_000;
    io.vertx.sqlclient.Pool pool = io.vertx.pgclient.PgBuilder.pool()
      .with(new io.vertx.sqlclient.PoolOptions().setMaxSize(2)).connectingTo(CeilingServer.connectOptions(1))
      .using(vertx).build();
    String sql = "INSERT INTO favorites (customer_id, product_id, title, brand, image, price, review_score, fetched_at)"
      + " SELECT c::uuid, p::uuid, t, b, i, pr::numeric, rs::numeric, now()"
      + " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])"
      + " AS x(c, p, t, b, i, pr, rs) ON CONFLICT (customer_id, product_id) DO NOTHING";
    System.out.printf("[seed] inserting %,d favorites with SQL (BENCH_FAVORITES_SEED=sql; =api goes through the API)%n",
      pairs.size());
    long t0 = System.nanoTime();
    int inserted = 0;
    try {
      for (int from = 0; from < pairs.size(); from += batch) {
        List<String[]> part = pairs.subList(from, Math.min(pairs.size(), from + batch));
        String[][] cols = new String[7][part.size()];
        for (int i = 0; i < part.size(); i++) {
          JsonObject p = productData.getOrDefault(part.get(i)[1], new JsonObject());
          cols[0][i] = part.get(i)[0];
          cols[1][i] = part.get(i)[1];
          cols[2][i] = p.getString("title", "");
          cols[3][i] = p.getString("brand");
          cols[4][i] = p.getString("image");
          cols[5][i] = p.getValue("price") == null ? null : p.getValue("price").toString();
          cols[6][i] = p.getValue("reviewScore") == null ? null : p.getValue("reviewScore").toString();
        }
        inserted += pool.preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.of(cols[0], cols[1], cols[2], cols[3],
          cols[4], cols[5], cols[6])).await().rowCount();
      }
    } finally {
      pool.close().await();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("[seed] %,d favorites inserted in %.1f s (plus the probe's, through the API)%n", inserted, seconds);
    fav.put("status", "ok").put("method", "sql").put("requested", pairs.size() + 1).put("ok", inserted + 1)
      .put("seconds", StoredWaiter.round(seconds)).put("perSecond", Math.round(inserted / seconds));
  }

  private static String path(String[] pair) {
    return "/v1/customers/" + pair[0] + "/favorites/" + pair[1];
  }

  private static void skip(JsonObject fav, String reason) {
    fav.put("available", false).put("status", "skipped").put("reason", reason);
    System.out.println("[seed] favorites SKIPPED: " + reason);
  }

  private static JsonObject statusJson(Map<Integer, Integer> statuses) {
    JsonObject j = new JsonObject();
    statuses.forEach((k, v) -> j.put(k < 0 ? "socket-error" : String.valueOf(k), v));
    return j;
  }
}
