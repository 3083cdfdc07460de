package com.favoriteproducts.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.List;

/**
 * The record of a seeded data set, a one-row table {@code bench_seed} in the bench database (not one of the service's
 * tables), for {@code BENCH_REUSE_DATA=1}: a later run with the same customers, favorites per customer and BENCH_SEED
 * keeps the database instead of dropping it and seeding again (minutes at 1,000,000 customers), after putting it back
 * as it was seeded: the jobs deleted, the customers created after the seeding deleted (scenario 4; their favorites and
 * jobs go with them), the favorites added after it deleted (scenario 3; the count trigger takes them off the counts),
 * then VACUUM (ANALYZE).
 */
final class SeedMarker {

  private SeedMarker() {
  }

  /** The marker, or null (no such table, or no row). */
  static JsonObject read(Vertx vertx) {
    Pool pool = BulkSeeder.pool(vertx);
    try {
      RowSet<Row> rs = pool.query("SELECT customers, favorites_per_customer, seed, products, max_seq, favorites_status,"
        + " to_char(seeded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), customers_seed FROM bench_seed")
        .execute().await();
      if (rs.size() == 0) {
        return null;
      }
      Row r = rs.iterator().next();
      return new JsonObject().put("customers", r.getInteger(0)).put("favoritesPerCustomer", r.getInteger(1))
        .put("seed", r.getLong(2)).put("products", r.getInteger(3)).put("maxSeq", r.getLong(4))
        .put("favoritesStatus", r.getString(5)).put("seededAt", r.getString(6)).put("customersSeed", r.getString(7));
    } catch (RuntimeException e) {
      return null; // no database, or no marker table
    } finally {
      pool.close().await();
    }
  }

  static boolean matches(JsonObject marker, int customers, int per, long seed) {
    return marker != null && marker.getInteger("customers") == customers
      && marker.getInteger("favoritesPerCustomer") == per && marker.getLong("seed") == seed;
  }

  /** Records the data set just seeded: every customer so far, and the time (favorites added later are not seeded). */
  static void write(Vertx vertx, int customers, int per, long seed, int products, String favoritesStatus,
                    String customersSeed) {
    Pool pool = BulkSeeder.pool(vertx);
    try {
      pool.query("DROP TABLE IF EXISTS bench_seed").execute().await();
      pool.query("CREATE TABLE bench_seed (customers integer NOT NULL, favorites_per_customer integer NOT NULL,"
        + " seed bigint NOT NULL, products integer NOT NULL, max_seq bigint NOT NULL, favorites_status text NOT NULL,"
        + " customers_seed text NOT NULL, seeded_at timestamptz NOT NULL)").execute().await();
      pool.preparedQuery("INSERT INTO bench_seed SELECT $1, $2, $3, $4, (SELECT coalesce(max(seq), 0) FROM customers),"
          + " $5, $6, clock_timestamp()")
        .execute(Tuple.of(customers, per, seed, products, favoritesStatus, customersSeed)).await();
    } finally {
      pool.close().await();
    }
  }

  /** Puts the data set back as it was seeded (see the class comment); returns what was deleted. */
  static JsonObject restore(Vertx vertx, JsonObject marker) {
    Pool pool = BulkSeeder.pool(vertx);
    JsonObject deleted = new JsonObject();
    try {
      deleted.put("jobs", pool.query("DELETE FROM favorite_jobs").execute().await().rowCount());
      deleted.put("customers", pool.preparedQuery("DELETE FROM customers WHERE seq > $1")
        .execute(Tuple.of(marker.getLong("maxSeq"))).await().rowCount());
      deleted.put("favorites", pool.query("DELETE FROM favorites WHERE added_at > (SELECT seeded_at FROM bench_seed)")
        .execute().await().rowCount());
    } finally {
      pool.close().await();
    }
    return deleted;
  }

  static List<String> describe(JsonObject m) {
    return List.of(m.getInteger("customers") + " customers", m.getInteger("favoritesPerCustomer") + " favorites each",
      "seed " + m.getLong("seed"), "seeded at " + m.getString("seededAt"));
  }
}
