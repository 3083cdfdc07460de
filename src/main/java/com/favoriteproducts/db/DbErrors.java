package com.favoriteproducts.db;

import io.vertx.sqlclient.DatabaseException;

/** SQLSTATE checks: map errors by code, never by message text. */
public final class DbErrors {

  private DbErrors() {
  }

  public static final String UNIQUE_VIOLATION = "23505";
  public static final String FOREIGN_KEY_VIOLATION = "23503";

  public static final String DEADLOCK_DETECTED = "40P01";
  public static final String SERIALIZATION_FAILURE = "40001";

  /**
   * A transaction PostgreSQL rolled back to break a deadlock or a serialization conflict: nothing of it stayed, and
   * running it again is the documented remedy.
   */
  public static boolean isRetryable(Throwable err) {
    return is(err, DEADLOCK_DETECTED) || is(err, SERIALIZATION_FAILURE);
  }

  /** SQLSTATE class 22: a value the database cannot take (NUL in text, out of range, bad encoding, ...). */
  public static final String DATA_EXCEPTION_CLASS = "22";

  public static boolean is(Throwable err, String sqlState) {
    return sqlState.equals(sqlState(err));
  }

  /**
   * A data exception (class 22): the request carried a value the database refuses, a client error (400) rather than
   * an outage, whatever the statement.
   */
  public static boolean isDataException(Throwable err) {
    String state = sqlState(err);
    return state != null && state.startsWith(DATA_EXCEPTION_CLASS);
  }

  /** The SQLSTATE of a database error, or null for any other failure. */
  public static String sqlState(Throwable err) {
    return err instanceof DatabaseException de ? de.getSqlState() : null;
  }
}
