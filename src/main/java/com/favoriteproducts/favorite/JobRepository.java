package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.JobReason;
import com.favoriteproducts.bus.JobStatus;
import com.favoriteproducts.db.Repository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** SQL and row mapping for add jobs ({@code favorite_jobs}). */
public final class JobRepository extends Repository {

  static final String COLS = "id, customer_id, product_id, status, reason, attempts, created_at, updated_at, dead_at";
  /** How many columns {@link #COLS} names (a job read from the middle of a wider row: {@link #map(Row, int)}). */
  private static final int COL_COUNT = COLS.split(", ").length;

  public JobRepository(Pool pool) {
    super(pool);
  }

  /** Over a read client ({@code ReadPools}): single statements only, no method that needs a transaction. */
  public JobRepository(SqlClient reads) {
    super(reads);
  }

  public Future<Job> find(UUID id) {
    return sql.preparedQuery("SELECT " + COLS + " FROM favorite_jobs WHERE id = $1").execute(Tuple.of(id))
      .map(JobRepository::one);
  }

  static Future<Job> findPending(SqlClient tx, UUID customerId, UUID productId) {
    return tx.preparedQuery("SELECT " + COLS + " FROM favorite_jobs WHERE customer_id = $1 AND product_id = $2"
      + " AND status = 'pending'").execute(Tuple.of(customerId, productId)).map(JobRepository::one);
  }

  /** What one accept statement found and did: the customer exists, the new or pending job, stored, room used. */
  record Accept(boolean customerExists, Job created, Job pending, boolean stored, long used) {
  }

  /**
   * Adds in one statement (one round trip, one commit, however many): for each, whether the customer exists, the job
   * pending for this product, whether the product is stored, how much of the cap is used (stored plus pending), and,
   * when none of these stands in the way, a new pending job. Adds of one product racing past the checks (in this
   * statement or another) meet on the partial unique index: all but one insert nothing (ON CONFLICT DO NOTHING) and
   * read the winner's job afterwards. The cap is checked on the statement's snapshot, so racing adds of different
   * products can pass it together; the job's store checks it again (also without a lock: a safety limit, not a
   * quota). Answers in the order of the requests. {@code counted} is MATERIALIZED so that each lookup runs once per
   * add (inlined, it runs once per reference).
   */
  static Future<List<Accept>> acceptAll(SqlClient client, List<UUID> jobIds, List<UUID> customerIds,
                                        List<UUID> productIds, long cap) {
    return client.preparedQuery("WITH req AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[])"
        + " WITH ORDINALITY AS r(job_id, customer_id, product_id, ord)),"
        + " counted AS MATERIALIZED (SELECT req.*,"
        + " (SELECT c.favorites_count FROM customers c WHERE c.id = req.customer_id) AS n,"
        + " EXISTS (SELECT 1 FROM favorites f WHERE f.customer_id = req.customer_id AND f.product_id = req.product_id)"
        + " AS stored, (SELECT count(*) FROM favorite_jobs j WHERE j.customer_id = req.customer_id"
        + " AND j.status = 'pending') AS pending, (SELECT j.id FROM favorite_jobs j WHERE j.customer_id = req.customer_id"
        + " AND j.product_id = req.product_id AND j.status = 'pending') AS pending_id FROM req),"
        + " checks AS (SELECT counted.*, n IS NOT NULL AS customer_exists, coalesce(n, 0) + pending AS used FROM counted),"
        + " inserted AS (INSERT INTO favorite_jobs (id, customer_id, product_id)"
        + " SELECT job_id, customer_id, product_id FROM checks"
        + " WHERE customer_exists AND NOT stored AND used < $4 AND pending_id IS NULL ORDER BY ord"
        + " ON CONFLICT (customer_id, product_id) WHERE status = 'pending' DO NOTHING RETURNING " + COLS + ")"
        + " SELECT c.customer_exists, c.stored, c.used, " + cols("i") + ", " + cols("p")
        + " FROM checks c LEFT JOIN inserted i ON i.id = c.job_id LEFT JOIN favorite_jobs p ON p.id = c.pending_id"
        + " ORDER BY c.ord")
      .execute(Tuple.of(jobIds.toArray(new UUID[0]), customerIds.toArray(new UUID[0]), productIds.toArray(new UUID[0]),
        cap))
      .map(rs -> {
        // customer_exists, stored, used, then the inserted job's columns, then the pending job's
        int created = 3;
        int pending = created + COL_COUNT;
        List<Accept> out = new ArrayList<>(rs.size());
        for (Row r : rs) {
          out.add(new Accept(r.getBoolean(0), r.getUUID(created) == null ? null : map(r, created),
            r.getUUID(pending) == null ? null : map(r, pending), r.getBoolean(1), r.getLong(2)));
        }
        return out;
      });
  }

  /**
   * The pending jobs among {@code ids} that are due: a job whose retry is scheduled more than a moment ahead was
   * delivered twice (published by the sweeper and by its add, say); its scheduled retry will bring it back, so the
   * extra delivery is dropped rather than counted as an attempt.
   */
  public Future<List<Job>> findDue(List<UUID> ids) {
    return sql.preparedQuery("SELECT " + COLS + " FROM favorite_jobs WHERE id = ANY($1) AND status = 'pending'"
        + " AND due_at <= now() + interval '250 milliseconds'")
      .execute(Tuple.tuple().addArrayOfUUID(ids.toArray(new UUID[0]))).map(JobRepository::all);
  }

  /** The jobs still pending among a batch, locked, and their customers' favorites_count (read, not locked). */
  public record Pending(Set<UUID> ids, Map<UUID, Long> counts) {
  }

  /**
   * Locks the jobs still pending among {@code ids} for the rest of the transaction (in id order: no deadlock), and
   * reads their customers' favorites_count in the same statement.
   */
  public static Future<Pending> lockPending(SqlClient tx, List<UUID> ids) {
    return tx.preparedQuery("SELECT j.id, j.customer_id, c.favorites_count FROM favorite_jobs j"
        + " JOIN customers c ON c.id = j.customer_id WHERE j.id = ANY($1) AND j.status = 'pending'"
        + " ORDER BY j.id FOR UPDATE OF j")
      .execute(Tuple.tuple().addArrayOfUUID(ids.toArray(new UUID[0]))).map(rs -> {
        Set<UUID> pending = new HashSet<>();
        Map<UUID, Long> counts = new HashMap<>();
        rs.forEach(r -> {
          pending.add(r.getUUID(0));
          counts.put(r.getUUID(1), r.getLong(2));
        });
        return new Pending(pending, counts);
      });
  }

  /** {@link #COLS} qualified by a table alias. */
  private static String cols(String alias) {
    return alias + "." + COLS.replace(", ", ", " + alias + ".");
  }

  /** Ends pending jobs (done, or failed with a reason), each counting one more attempt; returns those it ended. */
  public static Future<List<Job>> finishAll(SqlClient tx, List<UUID> ids, List<String> statuses, List<String> reasons) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return tx.preparedQuery("UPDATE favorite_jobs j SET status = t.s, reason = t.r, attempts = j.attempts + 1,"
        + " updated_at = now() FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, s, r)"
        + " WHERE j.id = t.id AND j.status = 'pending' RETURNING " + cols("j"))
      .execute(Tuple.of(ids.toArray(new UUID[0]), statuses.toArray(new String[0]), reasons.toArray(new String[0])))
      .map(JobRepository::all);
  }

  /**
   * Records a failed attempt of each pending job (the count lives in the row, never in a message, and is written in a
   * statement of its own, never in the transaction that failed): once it has made {@code maxAttempts} attempts the job
   * is failed with {@code exhausted} as its reason and listed as dead, else its next attempt is due after the delay for
   * that attempt. Returns the jobs it updated.
   */
  public Future<List<Job>> recordFailures(List<UUID> ids, int maxAttempts, List<Long> delaysMs, JobReason exhausted) {
    Double[] delays = delaysMs.stream().map(Long::doubleValue).toArray(Double[]::new);
    return sql.preparedQuery("UPDATE favorite_jobs SET attempts = attempts + 1, updated_at = now(),"
        + " status = CASE WHEN attempts + 1 >= $2 THEN 'failed' ELSE status END,"
        + " reason = CASE WHEN attempts + 1 >= $2 THEN $4 ELSE reason END,"
        + " dead_at = CASE WHEN attempts + 1 >= $2 THEN now() ELSE dead_at END,"
        + " due_at = now() + make_interval(secs => ($3::float8[])[LEAST(attempts + 1, cardinality($3::float8[]))] / 1000)"
        + " WHERE id IN (SELECT id FROM favorite_jobs WHERE id = ANY($1) AND status = 'pending' ORDER BY id FOR UPDATE)"
        + " RETURNING " + COLS)
      .execute(Tuple.of(ids.toArray(new UUID[0]), maxAttempts, delays, exhausted.wire())).map(JobRepository::all);
  }

  /**
   * Cancels the pending add of a product ({@code productId}), or every pending add of the customer ({@code productId}
   * null): failed, {@code cancelled}. A job being stored at this moment holds its row lock: this waits for that
   * transaction and then finds the job done (the favorite stored, for the caller to delete next, in the same
   * transaction); a job cancelled first is skipped by the store ({@link #lockPending} takes pending jobs only).
   * Returns the jobs it cancelled.
   */
  public static Future<List<Job>> cancelPending(SqlClient tx, UUID customerId, UUID productId) {
    return tx.preparedQuery("UPDATE favorite_jobs SET status = 'failed', reason = '" + JobReason.CANCELLED.wire()
        + "', updated_at = now() WHERE id IN (SELECT id FROM favorite_jobs WHERE customer_id = $1"
        + " AND ($2::uuid IS NULL OR product_id = $2) AND status = 'pending' ORDER BY id FOR UPDATE) RETURNING " + COLS)
      .execute(Tuple.of(customerId, productId)).map(JobRepository::all);
  }

  /** Notes that RabbitMQ confirmed a publication of these jobs, for those still pending (the others need no mark). */
  public Future<Void> markPublished(List<UUID> ids) {
    // Rows in id order and skipping those locked (a job being stored, marked then or never needed): batches of marks
    // and of stores on other connections never wait for each other in a cycle (deadlocks seen under load before).
    return sql.preparedQuery("UPDATE favorite_jobs SET published_at = now() WHERE id IN (SELECT id FROM favorite_jobs"
        + " WHERE id = ANY($1) AND status = 'pending' AND published_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED)")
      .execute(Tuple.tuple().addArrayOfUUID(ids.toArray(new UUID[0]))).mapEmpty();
  }

  /**
   * Claims pending jobs to publish again: never confirmed for {@code unpublishedAfterMs}, or overdue by
   * {@code staleAfterMs} (lost in the broker, or a consumer died with them). Claiming moves {@code due_at} to now, and
   * SKIP LOCKED lets several sweepers (one per node) share the work without publishing a job twice.
   */
  public Future<List<Job>> claimForRepublish(long unpublishedAfterMs, long staleAfterMs, int limit) {
    return sql.preparedQuery("UPDATE favorite_jobs SET due_at = now() WHERE id IN (SELECT id FROM favorite_jobs"
        + " WHERE status = 'pending' AND ((published_at IS NULL AND due_at < now() - make_interval(secs => $1))"
        + " OR due_at < now() - make_interval(secs => $2)) ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)"
        + " RETURNING " + COLS)
      .execute(Tuple.of(unpublishedAfterMs / 1000.0, staleAfterMs / 1000.0, limit)).map(JobRepository::all);
  }

  public Future<List<Job>> listDead(int limit) {
    return sql.preparedQuery("SELECT " + COLS + " FROM favorite_jobs WHERE dead_at IS NOT NULL ORDER BY dead_at, id LIMIT $1")
      .execute(Tuple.of(limit)).map(JobRepository::all);
  }

  /**
   * Puts dead jobs back to pending with their attempts reset, one per (customer, product) without a pending job;
   * the dead ones left over (an add of the same product is already pending) stop being listed as dead.
   */
  public Future<List<Job>> revive() {
    return transactions().withTransaction(tx -> tx.query("UPDATE favorite_jobs SET status = 'pending', reason = NULL, attempts = 0,"
        + " dead_at = NULL, published_at = NULL, due_at = now(), updated_at = now() WHERE id IN ("
        + "SELECT DISTINCT ON (customer_id, product_id) d.id FROM favorite_jobs d WHERE d.dead_at IS NOT NULL"
        + " AND NOT EXISTS (SELECT 1 FROM favorite_jobs p WHERE p.customer_id = d.customer_id"
        + " AND p.product_id = d.product_id AND p.status = 'pending')"
        + " ORDER BY customer_id, product_id, dead_at DESC) RETURNING " + COLS).execute()
      .compose(revived -> tx.query("UPDATE favorite_jobs SET dead_at = NULL WHERE dead_at IS NOT NULL").execute()
        .map(x -> all(revived))));
  }

  /**
   * Deletes up to {@code limit} finished (done or failed, not dead) jobs older than the retention, oldest first (the
   * partial index on updated_at of finished jobs); rows locked elsewhere are skipped. Returns how many it deleted.
   */
  public static Future<Integer> deleteFinished(SqlClient client, int retentionHours, int limit) {
    return client.preparedQuery("DELETE FROM favorite_jobs WHERE id IN (SELECT id FROM favorite_jobs"
        + " WHERE status <> 'pending' AND dead_at IS NULL AND updated_at < now() - make_interval(hours => $1)"
        + " ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED)")
      .execute(Tuple.of(retentionHours, limit)).map(RowSet::rowCount);
  }

  private static Job one(RowSet<Row> rs) {
    var it = rs.iterator();
    return it.hasNext() ? map(it.next()) : null;
  }

  private static List<Job> all(RowSet<Row> rs) {
    List<Job> out = new ArrayList<>(rs.size());
    for (Row r : rs) {
      out.add(map(r));
    }
    return out;
  }

  static Job map(Row r) {
    return map(r, 0);
  }

  /** A job from the {@link #COLS} columns starting at {@code at}. */
  static Job map(Row r, int at) {
    return new Job(r.getUUID(at), r.getUUID(at + 1), r.getUUID(at + 2), JobStatus.of(r.getString(at + 3)),
      r.getString(at + 4),
      r.getInteger(at + 5), r.getOffsetDateTime(at + 6), r.getOffsetDateTime(at + 7), r.getOffsetDateTime(at + 8));
  }
}
