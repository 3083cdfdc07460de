package com.favoriteproducts.favorite;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL and row mapping for add jobs ({@code favorite_jobs}). */
public final class JobRepository {

  static final String COLS = "id, customer_id, product_id, status, reason, attempts, created_at, updated_at, dead_at";

  private final Pool pool;

  public JobRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Job> find(UUID id) {
    return pool.preparedQuery("SELECT " + COLS + " FROM favorite_jobs WHERE id = $1").execute(Tuple.of(id))
      .map(JobRepository::one);
  }

  static Future<Job> findPending(SqlClient tx, UUID customerId, UUID productId) {
    return tx.preparedQuery("SELECT " + COLS + " FROM favorite_jobs WHERE customer_id = $1 AND product_id = $2"
      + " AND status = 'pending'").execute(Tuple.of(customerId, productId)).map(JobRepository::one);
  }

  /** What an add must know, in one statement: the pending job for the product, whether it is stored, the counts. */
  record AcceptChecks(Job pending, boolean stored, long favorites, long pendingJobs) {
  }

  static Future<AcceptChecks> acceptChecks(SqlClient tx, UUID customerId, UUID productId) {
    return tx.preparedQuery("SELECT j.id, j.customer_id, j.product_id, j.status, j.reason, j.attempts, j.created_at,"
        + " j.updated_at, j.dead_at,"
        + " EXISTS (SELECT 1 FROM favorites WHERE customer_id = $1 AND product_id = $2),"
        + " (SELECT count(*) FROM favorites WHERE customer_id = $1),"
        + " (SELECT count(*) FROM favorite_jobs WHERE customer_id = $1 AND status = 'pending')"
        + " FROM (SELECT 1) one LEFT JOIN favorite_jobs j"
        + " ON j.customer_id = $1 AND j.product_id = $2 AND j.status = 'pending'")
      .execute(Tuple.of(customerId, productId)).map(rs -> {
        Row r = rs.iterator().next();
        return new AcceptChecks(r.getUUID(0) == null ? null : map(r), r.getBoolean(9), r.getLong(10), r.getLong(11));
      });
  }

  static Future<Job> insert(SqlClient tx, UUID id, UUID customerId, UUID productId) {
    return tx.preparedQuery("INSERT INTO favorite_jobs (id, customer_id, product_id) VALUES ($1, $2, $3) RETURNING " + COLS)
      .execute(Tuple.of(id, customerId, productId)).map(JobRepository::one);
  }

  /** Locks the job for the rest of the transaction; null when it is gone (deleted with its customer). */
  static Future<Job> lock(SqlClient tx, UUID id) {
    return tx.preparedQuery("SELECT " + COLS + " FROM favorite_jobs WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
      .map(JobRepository::one);
  }

  /** Ends a pending job (done or failed); null when it was not pending any more. */
  static Future<Job> finish(SqlClient client, UUID id, String status, String reason, int attempts) {
    return client.preparedQuery("UPDATE favorite_jobs SET status = $2, reason = $3, attempts = GREATEST(attempts, $4),"
        + " updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING " + COLS)
      .execute(Tuple.of(id, status, reason, attempts)).map(JobRepository::one);
  }

  public Future<Job> finish(UUID id, String status, String reason, int attempts) {
    return finish(pool, id, status, reason, attempts);
  }

  /** Records a failed attempt and when the next one is due; null when the job is not pending any more. */
  public Future<Job> scheduleRetry(UUID id, int attempts, long delayMs) {
    return pool.preparedQuery("UPDATE favorite_jobs SET attempts = GREATEST(attempts, $2), updated_at = now(),"
        + " due_at = now() + make_interval(secs => $3::double precision / 1000) WHERE id = $1 AND status = 'pending'"
        + " RETURNING " + COLS)
      .execute(Tuple.of(id, attempts, (double) delayMs)).map(JobRepository::one);
  }

  /** Gives up on a job after its last attempt: failed (retries_exhausted) and listed as dead. */
  public Future<Job> markDead(UUID id, int attempts) {
    return pool.preparedQuery("UPDATE favorite_jobs SET status = 'failed', reason = '" + Job.RETRIES_EXHAUSTED + "',"
        + " attempts = GREATEST(attempts, $2), updated_at = now(), dead_at = now() WHERE id = $1 AND status = 'pending'"
        + " RETURNING " + COLS)
      .execute(Tuple.of(id, attempts)).map(JobRepository::one);
  }

  /** Notes that RabbitMQ confirmed a publication of these jobs. */
  public Future<Void> markPublished(List<UUID> ids) {
    return pool.preparedQuery("UPDATE favorite_jobs SET published_at = now() WHERE id = ANY($1) AND published_at IS NULL")
      .execute(Tuple.of(ids.toArray(new UUID[0]))).mapEmpty();
  }

  /**
   * Claims pending jobs to publish again: never confirmed for {@code unpublishedAfterMs}, or overdue by
   * {@code staleAfterMs} (lost in the broker, or a consumer died with them). Claiming moves {@code due_at} to now, and
   * SKIP LOCKED lets several sweepers (one per node) share the work without publishing a job twice.
   */
  public Future<List<Job>> claimForRepublish(long unpublishedAfterMs, long staleAfterMs, int limit) {
    return pool.preparedQuery("UPDATE favorite_jobs SET due_at = now() WHERE id IN (SELECT id FROM favorite_jobs"
        + " WHERE status = 'pending' AND ((published_at IS NULL AND due_at < now() - make_interval(secs => $1))"
        + " OR due_at < now() - make_interval(secs => $2)) ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)"
        + " RETURNING " + COLS)
      .execute(Tuple.of(unpublishedAfterMs / 1000.0, staleAfterMs / 1000.0, limit)).map(JobRepository::all);
  }

  public Future<List<Job>> listDead(int limit) {
    return pool.preparedQuery("SELECT " + COLS + " FROM favorite_jobs WHERE dead_at IS NOT NULL ORDER BY dead_at, id LIMIT $1")
      .execute(Tuple.of(limit)).map(JobRepository::all);
  }

  /**
   * Puts dead jobs back to pending with their attempts reset, one per (customer, product) without a pending job;
   * the dead ones left over (an add of the same product is already pending) stop being listed as dead.
   */
  public Future<List<Job>> revive() {
    return pool.withTransaction(tx -> tx.query("UPDATE favorite_jobs SET status = 'pending', reason = NULL, attempts = 0,"
        + " dead_at = NULL, published_at = NULL, due_at = now(), updated_at = now() WHERE id IN ("
        + "SELECT DISTINCT ON (customer_id, product_id) d.id FROM favorite_jobs d WHERE d.dead_at IS NOT NULL"
        + " AND NOT EXISTS (SELECT 1 FROM favorite_jobs p WHERE p.customer_id = d.customer_id"
        + " AND p.product_id = d.product_id AND p.status = 'pending')"
        + " ORDER BY customer_id, product_id, dead_at DESC) RETURNING " + COLS).execute()
      .compose(revived -> tx.query("UPDATE favorite_jobs SET dead_at = NULL WHERE dead_at IS NOT NULL").execute()
        .map(x -> all(revived))));
  }

  /** Deletes finished (done or failed, not dead) jobs older than the retention. */
  public Future<Integer> deleteFinished(int retentionHours) {
    return pool.preparedQuery("DELETE FROM favorite_jobs WHERE id IN (SELECT id FROM favorite_jobs WHERE status <> 'pending'"
        + " AND dead_at IS NULL AND updated_at < now() - make_interval(hours => $1) LIMIT 10000)")
      .execute(Tuple.of(retentionHours)).map(RowSet::rowCount);
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
    return new Job(r.getUUID(0), r.getUUID(1), r.getUUID(2), r.getString(3), r.getString(4), r.getInteger(5),
      r.getOffsetDateTime(6), r.getOffsetDateTime(7), r.getOffsetDateTime(8));
  }
}
