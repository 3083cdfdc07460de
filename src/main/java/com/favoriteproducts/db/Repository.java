package com.favoriteproducts.db;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

/**
 * Where a repository's statements run: single statements on {@link #sql} (its pool, or a read client from
 * {@link ReadPools}, which pipelines), transactions on its pool ({@link #transactions}). A repository made over a read
 * client that is not a pool runs single statements only.
 */
public abstract class Repository {

  /** Where single statements run: the pool, or a read client. */
  protected final SqlClient sql;
  /** For transactions; null in a repository over a read client. */
  private final Pool pool;

  protected Repository(Pool pool) {
    this.sql = pool;
    this.pool = pool;
  }

  /** Over a read client ({@code ReadPools}): single statements only, no method that needs a transaction. */
  protected Repository(SqlClient reads) {
    this.sql = reads;
    this.pool = reads instanceof Pool p ? p : null;
  }

  /** The pool, for a transaction; fails in a repository over a read client. */
  protected Pool transactions() {
    if (pool == null) {
      throw new IllegalStateException("a repository over a read client runs no transaction");
    }
    return pool;
  }
}
