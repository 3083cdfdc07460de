package com.favoriteproducts.db;

import io.vertx.sqlclient.DatabaseException;

/** SQLSTATE checks: map errors by code, never by message text. */
public final class DbErrors {

  private DbErrors() {
  }

  public static final String UNIQUE_VIOLATION = "23505";
  public static final String FOREIGN_KEY_VIOLATION = "23503";

  public static boolean is(Throwable err, String sqlState) {
    return err instanceof DatabaseException de && sqlState.equals(de.getSqlState());
  }
}
