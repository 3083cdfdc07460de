package com.favoriteproducts.favorite;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL and row mapping for favorites. */
public final class FavoriteRepository {

  static final String COLS = "customer_id, product_id, added_at, title, brand, image, price, review_score, fetched_at";

  /** A page: whether the customer exists, and up to limit + 1 favorites after the keyset position. */
  public record Page(boolean customerExists, List<Favorite> rows) {
  }

  private final Pool pool;

  public FavoriteRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Favorite> find(UUID customerId, UUID productId) {
    return pool.preparedQuery("SELECT " + COLS + " FROM favorites WHERE customer_id = $1 AND product_id = $2")
      .execute(Tuple.of(customerId, productId)).map(FavoriteRepository::one);
  }

  public Future<Boolean> customerExists(UUID customerId) {
    return pool.preparedQuery("SELECT 1 FROM customers WHERE id = $1").execute(Tuple.of(customerId))
      .map(rs -> rs.size() > 0);
  }

  /**
   * One indexed query: the customer (to tell "unknown customer" from "no favorites") joined with up to
   * {@code limit} favorites after ({@code afterAddedAt}, {@code afterProduct}) in (added_at, product_id) order.
   */
  public Future<Page> page(UUID customerId, OffsetDateTime afterAddedAt, UUID afterProduct, int limit) {
    String sql = "SELECT f.customer_id, f.product_id, f.added_at, f.title, f.brand, f.image, f.price, f.review_score,"
      + " f.fetched_at FROM customers c LEFT JOIN LATERAL (SELECT " + COLS + " FROM favorites"
      + " WHERE customer_id = c.id AND ($2::timestamptz IS NULL OR (added_at, product_id) > ($2, $3))"
      + " ORDER BY added_at, product_id LIMIT $4) f ON true WHERE c.id = $1";
    return pool.preparedQuery(sql).execute(Tuple.of(customerId, afterAddedAt, afterProduct, limit)).map(rs -> {
      List<Favorite> out = new ArrayList<>(rs.size());
      for (Row r : rs) {
        if (r.getUUID(1) != null) {
          out.add(map(r));
        }
      }
      return new Page(rs.size() > 0, out);
    });
  }

  public Future<Integer> delete(UUID customerId, UUID productId) {
    return pool.preparedQuery("DELETE FROM favorites WHERE customer_id = $1 AND product_id = $2")
      .execute(Tuple.of(customerId, productId)).map(RowSet::rowCount);
  }

  /** Stores the favorite with its product snapshot unless it is already stored; completes with the stored row or null. */
  static Future<Favorite> insert(SqlClient tx, UUID customerId, UUID productId, JsonObject product) {
    OffsetDateTime fetchedAt = product.getString("fetchedAt") == null ? OffsetDateTime.now()
      : OffsetDateTime.parse(product.getString("fetchedAt"));
    return tx.preparedQuery("INSERT INTO favorites (customer_id, product_id, title, brand, image, price, review_score,"
        + " fetched_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (customer_id, product_id) DO NOTHING"
        + " RETURNING " + COLS)
      .execute(Tuple.from(new Object[]{customerId, productId, product.getString("title", ""), product.getString("brand"),
        product.getString("image"), numeric(product.getValue("price")), numeric(product.getValue("reviewScore")),
        fetchedAt}))
      .map(FavoriteRepository::one);
  }

  /** Number of stored favorites of the customer, and whether this product is one of them. */
  static Future<long[]> count(SqlClient tx, UUID customerId, UUID productId) {
    return tx.preparedQuery("SELECT count(*), count(*) FILTER (WHERE product_id = $2) FROM favorites WHERE customer_id = $1")
      .execute(Tuple.of(customerId, productId)).map(rs -> {
        Row r = rs.iterator().next();
        return new long[]{r.getLong(0), r.getLong(1)};
      });
  }

  /** Refreshes the snapshots of favorites the product service described differently (best effort, one statement). */
  public Future<Integer> refreshSnapshots(UUID customerId, List<JsonObject> products) {
    if (products.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<Tuple> batch = new ArrayList<>();
    for (JsonObject p : products) {
      OffsetDateTime fetchedAt = p.getString("fetchedAt") == null ? OffsetDateTime.now()
        : OffsetDateTime.parse(p.getString("fetchedAt"));
      batch.add(Tuple.from(new Object[]{customerId, UUID.fromString(p.getString("id")), p.getString("title", ""),
        p.getString("brand"),
        p.getString("image"), numeric(p.getValue("price")), numeric(p.getValue("reviewScore")), fetchedAt}));
    }
    return pool.preparedQuery("UPDATE favorites SET title = $3, brand = $4, image = $5, price = $6, review_score = $7,"
        + " fetched_at = $8 WHERE customer_id = $1 AND product_id = $2 AND fetched_at < $8")
      .executeBatch(batch).map(rs -> {
        int n = 0;
        for (RowSet<Row> r = rs; r != null; r = r.next()) {
          n += r.rowCount();
        }
        return n;
      });
  }

  private static Numeric numeric(Object v) {
    return v instanceof Number n ? Numeric.create(BigDecimal.valueOf(n.doubleValue())) : null;
  }

  private static Favorite one(RowSet<Row> rs) {
    var it = rs.iterator();
    return it.hasNext() ? map(it.next()) : null;
  }

  static Favorite map(Row r) {
    return new Favorite(r.getUUID(0), r.getUUID(1), r.getOffsetDateTime(2), r.getString(3), r.getString(4),
      r.getString(5), r.getDouble(6), r.getDouble(7), r.getOffsetDateTime(8));
  }
}
