package com.favoriteproducts.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiFunction;

/**
 * A retention run over one table: delete statements of at most {@code batchSize} rows with {@code pauseMs} between
 * them, until a statement deletes fewer (so retention keeps up with any write rate, and each statement is short: few
 * locks and little WAL at once). One run at a time in the whole cluster: a run holds a PostgreSQL advisory lock
 * (session level, on the connection it deletes with; released with it, also when the node dies), and a run that does
 * not get it does nothing (another node is deleting). Event-loop confined.
 */
public final class BatchedRetention {

  private static final Logger LOG = LoggerFactory.getLogger(BatchedRetention.class);

  private final Vertx vertx;
  private final Pool pool;
  private final String what;
  private final long lockKey;
  private final int batchSize;
  private final long pauseMs;
  /** Deletes at most the given number of rows on the connection; completes with how many it deleted. */
  private final BiFunction<SqlConnection, Integer, Future<Integer>> deleteBatch;
  private boolean running;

  /** {@code what} names the rows in the log ("finished jobs older than 168 h"). */
  public BatchedRetention(Vertx vertx, Pool pool, String what, long lockKey, int batchSize, long pauseMs,
                          BiFunction<SqlConnection, Integer, Future<Integer>> deleteBatch) {
    this.vertx = vertx;
    this.pool = pool;
    this.what = what;
    this.lockKey = lockKey;
    this.batchSize = batchSize;
    this.pauseMs = pauseMs;
    this.deleteBatch = deleteBatch;
  }

  /** One run: how many rows it deleted, or -1 when it did not run (a run is going on here or on another node). */
  public Future<Long> run() {
    if (running) {
      return Future.succeededFuture(-1L);
    }
    running = true;
    return pool.withConnection(conn -> conn.preparedQuery("SELECT pg_try_advisory_lock($1)")
        .execute(Tuple.of(lockKey))
        .compose(rs -> !rs.iterator().next().getBoolean(0) ? Future.succeededFuture(-1L)
          : deleteAll(conn, 0).eventually(() -> conn.preparedQuery("SELECT pg_advisory_unlock($1)")
            .execute(Tuple.of(lockKey)))))
      .andThen(ar -> {
        running = false;
        if (ar.succeeded() && ar.result() > 0) {
          LOG.info("deleted {} {}", ar.result(), what);
        } else if (ar.failed()) {
          LOG.warn("retention of {} failed: {}", what, ar.cause().getMessage());
        }
      });
  }

  private Future<Long> deleteAll(SqlConnection conn, long deletedSoFar) {
    return deleteBatch.apply(conn, batchSize).compose(n -> {
      long total = deletedSoFar + n;
      if (n < batchSize) {
        return Future.succeededFuture(total);
      }
      return pauseMs == 0 ? deleteAll(conn, total) : vertx.timer(pauseMs).compose(t -> deleteAll(conn, total));
    });
  }
}
