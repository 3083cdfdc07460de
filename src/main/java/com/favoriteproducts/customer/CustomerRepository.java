package com.favoriteproducts.customer;

import io.vertx.core.Future;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL and row mapping for customers. Statements are prepared once per connection (cached by the client). */
public final class CustomerRepository {

  private static final String COLS = "id, seq, name, email, version, created_at, updated_at";

  private final SqlClient pool;

  /** {@code pool}: the verticle's pool, or a read client ({@code ReadPools}): every method is one statement. */
  public CustomerRepository(SqlClient pool) {
    this.pool = pool;
  }

  public Future<Customer> insert(UUID id, String name, String email) {
    return pool.preparedQuery("INSERT INTO customers (id, name, email) VALUES ($1, $2, $3) RETURNING " + COLS)
      .execute(Tuple.of(id, name, email)).map(CustomerRepository::one);
  }

  public Future<Customer> find(UUID id) {
    return pool.preparedQuery("SELECT " + COLS + " FROM customers WHERE id = $1").execute(Tuple.of(id))
      .map(CustomerRepository::one);
  }

  public Future<Customer> findByEmail(String email) {
    return pool.preparedQuery("SELECT " + COLS + " FROM customers WHERE lower(email) = lower($1)")
      .execute(Tuple.of(email)).map(CustomerRepository::one);
  }

  /**
   * Sets the given fields (null keeps the stored value) when the version matches (null: any version).
   * Completes with null when no row matched.
   */
  public Future<Customer> update(UUID id, String name, String email, Integer expectedVersion) {
    return pool.preparedQuery("UPDATE customers SET name = COALESCE($2, name), email = COALESCE($3, email),"
        + " version = version + 1, updated_at = now()"
        + " WHERE id = $1 AND ($4::int IS NULL OR version = $4) RETURNING " + COLS)
      .execute(Tuple.of(id, name, email, expectedVersion)).map(CustomerRepository::one);
  }

  /** Deletes within the given client (a transaction); completes with the number of rows deleted. */
  public static Future<Integer> delete(SqlClient client, UUID id, Integer expectedVersion) {
    return client.preparedQuery("DELETE FROM customers WHERE id = $1 AND ($2::int IS NULL OR version = $2)")
      .execute(Tuple.of(id, expectedVersion)).map(RowSet::rowCount);
  }

  public Future<Boolean> exists(UUID id) {
    return pool.preparedQuery("SELECT 1 FROM customers WHERE id = $1").execute(Tuple.of(id)).map(rs -> rs.size() > 0);
  }

  /** Up to {@code limit} customers after the keyset position {@code afterSeq}, in creation order. */
  public Future<List<Customer>> page(long afterSeq, int limit) {
    PreparedQuery<RowSet<Row>> q = pool.preparedQuery("SELECT " + COLS + " FROM customers WHERE seq > $1 ORDER BY seq LIMIT $2");
    return q.execute(Tuple.of(afterSeq, limit)).map(rs -> {
      List<Customer> out = new ArrayList<>(rs.size());
      for (Row r : rs) {
        out.add(map(r));
      }
      return out;
    });
  }

  private static Customer one(RowSet<Row> rs) {
    var it = rs.iterator();
    return it.hasNext() ? map(it.next()) : null;
  }

  static Customer map(Row r) {
    return new Customer(r.getUUID(0), r.getLong(1), r.getString(2), r.getString(3), r.getInteger(4),
      r.getOffsetDateTime(5), r.getOffsetDateTime(6));
  }
}
