package com.favoriteproducts.webhook;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL and row mapping for webhooks and their deliveries (the admin side; the dispatcher's SQL is in {@link Dispatcher}). */
final class WebhookRepository {

  static final String COLS = "id, url, events, description, created_at, rotated_at";
  static final String DELIVERY_COLS = "id, webhook_id, seq, event_id, event_type, customer_id, product_id, event_at,"
    + " status, attempts, next_attempt_at, last_status, last_error, created_at, delivered_at, failed_at";

  private final Pool pool;

  WebhookRepository(Pool pool) {
    this.pool = pool;
  }

  /** Registers a webhook unless {@code max} are registered already; null then. */
  Future<JsonObject> create(String url, List<String> events, String description, String secret, int max) {
    return pool.preparedQuery("INSERT INTO webhooks (id, url, events, description, secret)"
        + " SELECT $1, $2, $3, $4, $5 WHERE (SELECT count(*) FROM webhooks) < $6 RETURNING " + COLS)
      .execute(Tuple.of(UUID.randomUUID(), url, events.toArray(new String[0]), description, secret, max))
      .map(rs -> rs.size() == 0 ? null : webhook(rs.iterator().next()));
  }

  Future<List<JsonObject>> list(int limit) {
    return pool.preparedQuery("SELECT " + COLS + " FROM webhooks ORDER BY created_at, id LIMIT $1")
      .execute(Tuple.of(limit)).map(rs -> {
        List<JsonObject> out = new ArrayList<>();
        rs.forEach(r -> out.add(webhook(r)));
        return out;
      });
  }

  Future<JsonObject> get(UUID id) {
    return pool.preparedQuery("SELECT " + COLS + " FROM webhooks WHERE id = $1").execute(Tuple.of(id))
      .map(rs -> rs.size() == 0 ? null : webhook(rs.iterator().next()));
  }

  /** Deletes the webhook and (cascade) its deliveries; whether it existed. */
  Future<Boolean> delete(UUID id) {
    return pool.preparedQuery("DELETE FROM webhooks WHERE id = $1").execute(Tuple.of(id)).map(rs -> rs.rowCount() > 0);
  }

  /** A new secret; the current one stays honoured for {@code graceSeconds}. Null when there is no such webhook. */
  Future<JsonObject> rotate(UUID id, String secret, long graceSeconds) {
    return pool.preparedQuery("UPDATE webhooks SET previous_secret = secret,"
        + " previous_secret_until = now() + $3::bigint * interval '1 second', secret = $2, rotated_at = now()"
        + " WHERE id = $1 RETURNING " + COLS)
      .execute(Tuple.of(id, secret, graceSeconds))
      .map(rs -> rs.size() == 0 ? null : webhook(rs.iterator().next()));
  }

  /**
   * Up to {@code limit} deliveries of the webhook, newest first, before {@code beforeSeq} (null: from the newest),
   * with {@code status} (null: any), in one statement that also tells whether the webhook exists (null when not).
   */
  Future<List<JsonObject>> deliveries(UUID webhookId, String status, Long beforeSeq, int limit) {
    return pool.preparedQuery("SELECT w.id, d.* FROM webhooks w LEFT JOIN LATERAL (SELECT " + DELIVERY_COLS
        + " FROM webhook_deliveries WHERE webhook_id = w.id AND ($2::text IS NULL OR status = $2::text)"
        + " AND ($3::bigint IS NULL OR seq < $3::bigint) ORDER BY seq DESC LIMIT $4) d ON true WHERE w.id = $1")
      .execute(Tuple.of(webhookId, status, beforeSeq, limit))
      .map(rs -> {
        if (rs.size() == 0) {
          return null;
        }
        List<JsonObject> out = new ArrayList<>();
        for (Row r : rs) {
          if (r.getUUID(1) != null) {
            out.add(delivery(r, 1));
          }
        }
        return out;
      });
  }

  /**
   * Deletes up to {@code batch} delivered or failed deliveries created more than {@code hours} ago; how many. The
   * rows are picked by the partial index on finished deliveries, locked with SKIP LOCKED (never waits).
   */
  static Future<Integer> deleteFinished(SqlClient conn, int hours, int batch) {
    return conn.preparedQuery("DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries"
        + " WHERE status <> 'pending' AND created_at < now() - make_interval(hours => $1) LIMIT $2 FOR UPDATE SKIP LOCKED)")
      .execute(Tuple.of(hours, batch)).map(rs -> rs.rowCount());
  }

  static JsonObject webhook(Row r) {
    JsonObject out = new JsonObject().put("id", r.getUUID(0).toString()).put("url", r.getString(1))
      .put("events", new JsonArray(List.of(r.getArrayOfStrings(2))));
    if (r.getString(3) != null) {
      out.put("description", r.getString(3));
    }
    out.put("createdAt", ts(r.getOffsetDateTime(4)));
    if (r.getOffsetDateTime(5) != null) {
      out.put("rotatedAt", ts(r.getOffsetDateTime(5)));
    }
    return out;
  }

  /** A delivery from {@link #DELIVERY_COLS} starting at column {@code i}; {@code seq} is kept for the cursor. */
  static JsonObject delivery(Row r, int i) {
    JsonObject out = new JsonObject().put("id", r.getUUID(i).toString()).put("webhookId", r.getUUID(i + 1).toString())
      .put("seq", r.getLong(i + 2)).put("eventId", r.getUUID(i + 3).toString()).put("eventType", r.getString(i + 4))
      .put("customerId", r.getUUID(i + 5).toString()).put("productId", r.getUUID(i + 6).toString())
      .put("eventAt", ts(r.getOffsetDateTime(i + 7))).put("status", r.getString(i + 8))
      .put("attempts", r.getInteger(i + 9));
    if ("pending".equals(r.getString(i + 8))) {
      out.put("nextAttemptAt", ts(r.getOffsetDateTime(i + 10)));
    }
    if (r.getInteger(i + 11) != null) {
      out.put("lastStatus", r.getInteger(i + 11));
    }
    if (r.getString(i + 12) != null) {
      out.put("lastError", r.getString(i + 12));
    }
    out.put("createdAt", ts(r.getOffsetDateTime(i + 13)));
    if (r.getOffsetDateTime(i + 14) != null) {
      out.put("deliveredAt", ts(r.getOffsetDateTime(i + 14)));
    }
    if (r.getOffsetDateTime(i + 15) != null) {
      out.put("failedAt", ts(r.getOffsetDateTime(i + 15)));
    }
    return out;
  }

  static String ts(OffsetDateTime t) {
    return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }
}
