package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.FavoriteEvent;
import com.favoriteproducts.bus.ProductView;
import com.favoriteproducts.db.Repository;
import com.favoriteproducts.webhook.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** SQL and row mapping for favorites. */
public final class FavoriteRepository extends Repository {

  static final String COLS = "customer_id, product_id, added_at, title, brand, image, price, review_score, fetched_at";

  /** A page: whether the customer exists, and up to limit + 1 favorites after the keyset position. */
  public record Page(boolean customerExists, List<Favorite> rows) {
  }

  public FavoriteRepository(Pool pool) {
    super(pool);
  }

  /** Over a read client ({@code ReadPools}): single statements only, no method that needs a transaction. */
  public FavoriteRepository(SqlClient reads) {
    super(reads);
  }

  public Future<Favorite> find(UUID customerId, UUID productId) {
    return sql.preparedQuery("SELECT " + COLS + " FROM favorites WHERE customer_id = $1 AND product_id = $2")
      .execute(Tuple.of(customerId, productId)).map(FavoriteRepository::one);
  }

  public Future<Boolean> customerExists(UUID customerId) {
    return sql.preparedQuery("SELECT 1 FROM customers WHERE id = $1").execute(Tuple.of(customerId))
      .map(rs -> rs.size() > 0);
  }

  /**
   * One indexed query: the customer (to tell "unknown customer" from "no favorites") joined with up to
   * {@code limit} favorites after ({@code afterAddedAt}, {@code afterProduct}) in (added_at, product_id) order.
   */
  public Future<Page> page(UUID customerId, OffsetDateTime afterAddedAt, UUID afterProduct, int limit) {
    String page = "SELECT f.customer_id, f.product_id, f.added_at, f.title, f.brand, f.image, f.price, f.review_score,"
      + " f.fetched_at FROM customers c LEFT JOIN LATERAL (SELECT " + COLS + " FROM favorites"
      + " WHERE customer_id = c.id AND ($2::timestamptz IS NULL OR (added_at, product_id) > ($2, $3))"
      + " ORDER BY added_at, product_id LIMIT $4) f ON true WHERE c.id = $1";
    return sql.preparedQuery(page).execute(Tuple.of(customerId, afterAddedAt, afterProduct, limit)).map(rs -> {
      List<Favorite> out = new ArrayList<>(rs.size());
      for (Row r : rs) {
        if (r.getUUID(1) != null) {
          out.add(map(r));
        }
      }
      return new Page(rs.size() > 0, out);
    });
  }

  /**
   * What a removal did: whether a stored favorite was deleted, the pending add it cancelled (or null), the event of the
   * deletion (null when nothing was deleted) and how many webhook deliveries of it were written.
   */
  public record Removal(boolean deleted, Job cancelled, FavoriteEvent event, long deliveries) {
  }

  /**
   * Removes a favorite in one transaction: first cancels its pending add ({@link JobRepository#cancelPending}: waits
   * for a store of it in progress), then deletes the stored favorite, in a statement of its own so that it sees a
   * favorite that store committed meanwhile. Either way nothing of the product stays or appears later. The same
   * statement writes the deletion's webhook deliveries (the outbox: one per webhook subscribed to
   * {@code favorite.removed}, none when there is none), so they exist exactly when the deletion is committed.
   */
  public Future<Removal> remove(UUID customerId, UUID productId) {
    FavoriteEvent event = FavoriteEvent.now(FavoriteEvent.Kind.REMOVED, customerId, productId);
    return transactions().withTransaction(tx -> JobRepository.cancelPending(tx, customerId, productId)
      .compose(cancelled -> tx.preparedQuery("WITH del AS (DELETE FROM favorites WHERE customer_id = $1"
          + " AND product_id = $2 RETURNING customer_id, product_id), d AS (" + Outbox.INSERT
          + " SELECT gen_random_uuid(), w.id, $3, $4::text, del.customer_id, del.product_id, $5 FROM del"
          + " JOIN webhooks w ON w.events @> ARRAY[$4::text] RETURNING 1)"
          + " SELECT (SELECT count(*) FROM del), (SELECT count(*) FROM d)")
        .execute(Tuple.of(customerId, productId, event.id(), event.kind().eventName,
          event.at().atOffset(ZoneOffset.UTC)))
        .map(rs -> {
          Row r = rs.iterator().next();
          boolean deleted = r.getLong(0) > 0;
          return new Removal(deleted, cancelled.isEmpty() ? null : cancelled.get(0), deleted ? event : null,
            r.getLong(1));
        })));
  }

  /** What {@link #insertAll} stored: the favorites, the event of each (same order), the webhook deliveries written. */
  public record Stored(List<Favorite> favorites, List<FavoriteEvent> events, long deliveries) {

    public static final Stored NONE = new Stored(List.of(), List.of(), 0);
  }

  /**
   * Stores favorites with their product snapshots, those not stored already, in one statement (the favorites_count
   * trigger then runs once), which also writes their webhook deliveries (the outbox: one per stored favorite and
   * webhook subscribed to {@code favorite.added}; with no webhook the join finds nothing). Each row carries an event
   * id made here, so the event published after the commit and the webhook body are one event. Completes with the rows
   * stored now and their events (the time of an event is the favorite's added_at).
   */
  public static Future<Stored> insertAll(SqlClient tx, List<UUID> customerIds, List<JsonObject> products) {
    // One JSON parameter rather than parallel arrays: nulls (no brand, no reviewScore) need no special casing.
    JsonArray rows = new JsonArray();
    for (int i = 0; i < products.size(); i++) {
      JsonObject p = products.get(i);
      rows.add(new JsonObject().put("event_id", UUID.randomUUID().toString())
        .put("customer_id", customerIds.get(i).toString()).put("product_id", p.getString("id"))
        .put("title", p.getString("title", "")).put("brand", p.getString("brand")).put("image", p.getString("image"))
        .put("price", p.getValue("price") instanceof Number n ? n : null)
        .put("review_score", p.getValue("reviewScore") instanceof Number n ? n : null)
        .put("fetched_at", p.getString("fetchedAt") == null ? OffsetDateTime.now().toString() : p.getString("fetchedAt")));
    }
    String added = FavoriteEvent.Kind.ADDED.eventName;
    return tx.preparedQuery("WITH t AS (SELECT * FROM json_to_recordset($1::json) AS t(event_id uuid, customer_id uuid,"
        + " product_id uuid, title text, brand text, image text, price numeric, review_score numeric,"
        + " fetched_at timestamptz)), ins AS (INSERT INTO favorites (customer_id, product_id, title, brand, image, price,"
        + " review_score, fetched_at) SELECT customer_id, product_id, title, brand, image, price, review_score, fetched_at"
        + " FROM t ON CONFLICT (customer_id, product_id) DO NOTHING RETURNING " + COLS + "),"
        + " ev AS (SELECT ins.*, t.event_id FROM ins JOIN t USING (customer_id, product_id)),"
        + " d AS (" + Outbox.INSERT + " SELECT gen_random_uuid(), w.id, ev.event_id, '" + added + "', ev.customer_id,"
        + " ev.product_id, ev.added_at FROM ev JOIN webhooks w ON w.events @> ARRAY['" + added + "'::text] RETURNING 1)"
        + " SELECT " + COLS + ", event_id, (SELECT count(*) FROM d) FROM ev")
      .execute(Tuple.of(rows))
      .map(rs -> {
        List<Favorite> stored = new ArrayList<>(rs.size());
        List<FavoriteEvent> events = new ArrayList<>(rs.size());
        long deliveries = 0;
        for (Row r : rs) {
          Favorite f = map(r);
          stored.add(f);
          events.add(new FavoriteEvent(r.getUUID(9), FavoriteEvent.Kind.ADDED, f.customerId(), f.productId(),
            f.addedAt().toInstant()));
          deliveries = r.getLong(10);
        }
        return new Stored(stored, events, deliveries);
      });
  }

  /** Which of these (customer, product) pairs are stored, keyed {@code customerId + "/" + productId}. */
  public static Future<Set<String>> storedPairs(SqlClient tx, List<UUID> customerIds, List<UUID> productIds) {
    return tx.preparedQuery("SELECT f.customer_id, f.product_id FROM favorites f"
        + " JOIN unnest($1::uuid[], $2::uuid[]) AS t(c, p) ON f.customer_id = t.c AND f.product_id = t.p")
      .execute(Tuple.tuple().addArrayOfUUID(customerIds.toArray(new UUID[0]))
        .addArrayOfUUID(productIds.toArray(new UUID[0])))
      .map(rs -> {
        Set<String> out = new HashSet<>();
        rs.forEach(r -> out.add(r.getUUID(0) + "/" + r.getUUID(1)));
        return out;
      });
  }

  /** Refreshes the snapshots of favorites the product service described differently (best effort, one statement). */
  public Future<Integer> refreshSnapshots(UUID customerId, Map<UUID, ProductView> products) {
    if (products.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<Tuple> batch = new ArrayList<>(products.size());
    products.forEach((productId, p) -> {
      OffsetDateTime fetchedAt;
      try {
        fetchedAt = p.fetchedAt() == null ? OffsetDateTime.now() : OffsetDateTime.parse(p.fetchedAt());
      } catch (DateTimeParseException e) {
        return; // a product service entry with an unreadable time: that snapshot stays, the others are refreshed
      }
      batch.add(Tuple.from(new Object[]{customerId, productId, p.title() == null ? "" : p.title(), p.brand(),
        p.image(), numeric(p.price()), numeric(p.reviewScore()), fetchedAt}));
    });
    if (batch.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return sql.preparedQuery("UPDATE favorites SET title = $3, brand = $4, image = $5, price = $6, review_score = $7,"
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
