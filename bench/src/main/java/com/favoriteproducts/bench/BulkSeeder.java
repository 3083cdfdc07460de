package com.favoriteproducts.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The SQL bulk path for customers ({@code BENCH_CUSTOMERS_SEED=sql}, or {@code auto} above
 * {@code BENCH_CUSTOMERS_SQL_ABOVE}): customers and their favorites generated inside PostgreSQL
 * ({@code INSERT ... SELECT FROM generate_series}), so that 1,000,000 customers with 10 favorites each take minutes, not
 * the hours the API would. The rows are what the service writes: {@code customers} (a random UUID, the name, the email
 * lower-cased as {@code customer/Text} normalises it, version 1, the timestamps and {@code seq} by their defaults,
 * {@code favorites_count} = the favorites inserted for it), {@code favorites} (the product snapshot from the catalog,
 * {@code added_at} by its default, {@code fetched_at} now) — see the migrations {@code V1}-{@code V4}.
 *
 * <p>The favorites are inserted with {@code session_replication_role = replica} (this session only: the count trigger
 * and the foreign-key check do not fire), because each customer's count is already set on its row; without that right
 * (not a superuser) the customers start at 0 and the statement-level trigger counts, as for any insert. The count is
 * checked afterwards (sum of counts = favorites rows). Chunks are customer-id ranges, inserted in id order, so the
 * favorites indexes (both lead with {@code customer_id}) are filled range by range rather than at random pages.
 */
final class BulkSeeder {

  /** Customers per INSERT statement, and customer-id ranges for the favorites. */
  static final int CUSTOMER_CHUNK = 100_000;

  private BulkSeeder() {
  }

  static Pool pool(Vertx vertx) {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(CeilingServer.connectOptions(1))
      .using(vertx).build();
  }

  /**
   * Inserts {@code count} customers (numbered from {@code firstIndex}, emails {@code seed-RUN-i@example.com}) and
   * {@code per} distinct catalog products for each (none when {@code per} is 0); records the figures in {@code out}.
   */
  static void seed(Vertx vertx, int firstIndex, int count, int per, long seed, String runId, List<String> products,
                   Map<String, JsonObject> productData, JsonObject out) {
    Pool pool = pool(vertx);
    SqlConnection conn = pool.getConnection().await();
    try {
      long t0 = System.nanoTime();
      boolean countsSet = per > 0 && replicaRole(conn);
      long firstSeq = conn.query("SELECT coalesce(max(seq), 0) FROM customers").execute().await().iterator().next()
        .getLong(0) + 1;
      String insertCustomers = "INSERT INTO customers (id, name, email, favorites_count)"
        + " SELECT gen_random_uuid(), 'Bench Customer ' || i, lower('seed-' || $1 || '-' || i || '@example.com'), $2"
        + " FROM generate_series($3::bigint, $4::bigint) AS i";
      System.out.printf("[seed] inserting %,d customers with SQL (BENCH_CUSTOMERS_SEED)%n", count);
      for (long from = firstIndex; from < (long) firstIndex + count; from += CUSTOMER_CHUNK) {
        long to = Math.min((long) firstIndex + count, from + CUSTOMER_CHUNK) - 1;
        conn.preparedQuery(insertCustomers).execute(Tuple.of(runId, countsSet ? per : 0, from, to)).await();
      }
      double customerSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("[seed] %,d customers inserted in %.1f s%n", count, customerSeconds);
      JsonObject bulk = new JsonObject().put("customers", count).put("customersSeconds", StoredWaiter.round(customerSeconds))
        .put("countsSetOnInsert", countsSet);
      out.put("bulk", bulk);
      if (per <= 0 || products.isEmpty()) {
        return;
      }
      long t1 = System.nanoTime();
      loadProducts(conn, products, productData);
      int p = products.size();
      int n = Math.min(per, p);
      List<Integer> steps = new ArrayList<>();
      for (int s = 1; s < p && steps.size() < 4096; s++) {
        if (BigInteger.valueOf(s).gcd(BigInteger.valueOf(p)).intValue() == 1) {
          steps.add(s);
        }
      }
      // Customer i's products: (start + k * step) mod P for k < n, start and step from a hash of (seq, BENCH_SEED);
      // step is coprime with P, so the n products are distinct.
      String insertFavorites = "INSERT INTO favorites (customer_id, product_id, title, brand, image, price, review_score,"
        + " fetched_at)"
        + " SELECT c.id, p.id, p.title, p.brand, p.image, p.price, p.review_score, now()"
        + " FROM (SELECT id, seq, abs(hashint8extended(seq, $3)) % $5 AS start,"
        + "              ($6::int[])[1 + abs(hashint8extended(seq, $4)) % cardinality($6::int[])] AS step"
        + "         FROM customers WHERE id >= $1 AND id < $2 AND seq >= $7 ORDER BY id) c"
        + " CROSS JOIN generate_series(0, $8 - 1) AS k"
        + " JOIN bench_products p ON p.idx = (c.start + k * c.step) % $5";
      int ranges = Math.max(1, (int) Math.ceil((double) count / CUSTOMER_CHUNK) * 2);
      long inserted = 0;
      System.out.printf("[seed] inserting %,d favorites with SQL (%d per customer, %d id ranges)%n", (long) count * n, n,
        ranges);
      for (int r = 0; r < ranges; r++) {
        RowSet<Row> rs = conn.preparedQuery(insertFavorites).execute(Tuple.of(bound(r, ranges), bound(r + 1, ranges),
          seed, seed + 1, p, steps.toArray(new Integer[0]), firstSeq, n)).await();
        inserted += rs.rowCount();
        if ((r + 1) % Math.max(1, ranges / 10) == 0) {
          System.out.printf("[seed]   %,d favorites after %.1f s%n", inserted, (System.nanoTime() - t1) / 1e9);
        }
      }
      double favoriteSeconds = (System.nanoTime() - t1) / 1e9;
      conn.query("RESET session_replication_role").execute().await();
      System.out.printf("[seed] %,d favorites inserted in %.1f s%n", inserted, favoriteSeconds);
      bulk.put("favorites", inserted).put("favoritesSeconds", StoredWaiter.round(favoriteSeconds));
    } finally {
      conn.close().await();
      pool.close().await();
    }
  }

  /** The lower bound of id range {@code r} of {@code ranges} (the last one's upper bound is above every UUID). */
  private static UUID bound(int r, int ranges) {
    if (r >= ranges) {
      return new UUID(-1L, -1L); // ffffffff-...: the one id excluded is never generated in practice
    }
    BigInteger b = BigInteger.ONE.shiftLeft(128).multiply(BigInteger.valueOf(r)).divide(BigInteger.valueOf(ranges));
    return new UUID(b.shiftRight(64).longValue(), b.longValue());
  }

  private static boolean replicaRole(SqlConnection conn) {
    try {
      conn.query("SET session_replication_role = replica").execute().await();
      return true;
    } catch (RuntimeException e) {
      System.out.println("[seed] cannot set session_replication_role (" + e.getMessage() + "): the count trigger counts");
      return false;
    }
  }

  private static void loadProducts(SqlConnection conn, List<String> products, Map<String, JsonObject> data) {
    conn.query("CREATE TEMP TABLE bench_products (idx integer PRIMARY KEY, id uuid NOT NULL, title text NOT NULL,"
      + " brand text, image text, price numeric, review_score numeric)").execute().await();
    int n = products.size();
    Integer[] idx = new Integer[n];
    String[][] cols = new String[6][n];
    for (int i = 0; i < n; i++) {
      JsonObject p = data.getOrDefault(products.get(i), new JsonObject());
      idx[i] = i;
      cols[0][i] = products.get(i);
      cols[1][i] = p.getString("title", "");
      cols[2][i] = p.getString("brand");
      cols[3][i] = p.getString("image");
      cols[4][i] = p.getValue("price") == null ? null : p.getValue("price").toString();
      cols[5][i] = p.getValue("reviewScore") == null ? null : p.getValue("reviewScore").toString();
    }
    conn.preparedQuery("INSERT INTO bench_products SELECT i, p::uuid, t, b, im, pr::numeric, rs::numeric"
        + " FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])"
        + " AS x(i, p, t, b, im, pr, rs)")
      .execute(Tuple.of(idx, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5])).await();
    conn.query("ANALYZE bench_products").execute().await();
  }

  /**
   * VACUUM (ANALYZE) of the seeded tables: statistics and the visibility map (this machine runs without autovacuum).
   * Not favorite_jobs: analyzed while (nearly) empty, its statistics make the job statements' cached generic plans
   * sequential scans that nothing re-plans as the table grows during scenario 3 without autovacuum (one run: 8,304
   * sequential scans reading 137 million rows, PostgreSQL 1.6 ms of CPU per add instead of about 0.3). Left never
   * analyzed, as a new installation's is, the planner sizes it from its pages; in production autovacuum's analyze
   * re-plans as it grows.
   */
  static double vacuumAnalyze(Vertx vertx) {
    Pool pool = pool(vertx);
    long t0 = System.nanoTime();
    try {
      for (String table : List.of("customers", "favorites")) {
        pool.query("VACUUM (ANALYZE) " + table).execute().await();
      }
    } finally {
      pool.close().await();
    }
    return StoredWaiter.round((System.nanoTime() - t0) / 1e9);
  }

  /** Checks the stored counts: the sum of favorites_count and the favorites rows (and the rows per customer seeded). */
  static JsonObject checkCounts(Vertx vertx) {
    Pool pool = pool(vertx);
    try {
      Row r = pool.query("SELECT (SELECT coalesce(sum(favorites_count), 0) FROM customers),"
        + " (SELECT count(*) FROM favorites), (SELECT count(*) FROM customers), pg_database_size(current_database())")
        .execute().await().iterator().next();
      long sum = r.getLong(0);
      long rows = r.getLong(1);
      return new JsonObject().put("customers", r.getLong(2)).put("favoritesRows", rows).put("sumOfFavoritesCount", sum)
        .put("consistent", sum == rows).put("databaseBytes", r.getLong(3));
    } finally {
      pool.close().await();
    }
  }

  /**
   * Writes the ids of the customers with {@code seq <= maxSeq} in {@code seq} order to {@code customers.txt}, and a
   * shuffled copy ({@link #writeRanked}); returns how many.
   */
  static int writeIds(Vertx vertx, Path work, long maxSeq, long seed) throws IOException {
    Pool pool = pool(vertx);
    List<String> ids = new ArrayList<>();
    try {
      long last = 0;
      while (true) {
        RowSet<Row> rs = pool.preparedQuery("SELECT seq, id::text FROM customers WHERE seq > $1 AND seq <= $2"
          + " ORDER BY seq LIMIT 200000").execute(Tuple.of(last, maxSeq)).await();
        if (rs.size() == 0) {
          break;
        }
        for (Row row : rs) {
          last = row.getLong(0);
          ids.add(row.getString(1));
        }
      }
    } finally {
      pool.close().await();
    }
    write(work.resolve("customers.txt"), ids);
    writeRanked(work, ids, seed);
    return ids.size();
  }

  /**
   * {@code customers-ranked.txt}: the ids in a random order fixed by BENCH_SEED, for the zipf key choice (rank r is line
   * r), so that the hot customers are spread over the data set rather than the first seeded.
   */
  static void writeRanked(Path work, List<String> ids, long seed) throws IOException {
    List<String> ranked = new ArrayList<>(ids);
    Collections.shuffle(ranked, new Random(seed));
    write(work.resolve("customers-ranked.txt"), ranked);
  }

  private static void write(Path file, List<String> lines) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      for (String s : lines) {
        w.write(s.toLowerCase(Locale.ROOT));
        w.write('\n');
      }
    }
  }
}
