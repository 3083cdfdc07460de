package com.favoriteproducts.db;

import com.favoriteproducts.config.PgConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Versioned schema migrations kept in {@code src/main/resources/db/migration} and listed in its {@code index.txt}.
 *
 * <p>Creates the database if it is missing, then applies the migrations not yet recorded in
 * {@code schema_migrations}, all in one transaction that first takes a PostgreSQL advisory lock: two nodes starting at
 * once serialize on the lock and the second finds nothing left to do.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final long LOCK_KEY = 7_262_001L;
  private static final Pattern NAME = Pattern.compile("V(\\d+)__([\\w-]+)\\.sql");

  record Migration(int version, String name, String sql) {
  }

  private final Vertx vertx;
  private final PgConfig pg;
  private final List<Migration> migrations;

  private Migrations(Vertx vertx, PgConfig pg, List<Migration> migrations) {
    this.vertx = vertx;
    this.pg = pg;
    this.migrations = migrations;
  }

  /** Reads the migration files from the classpath: call from a non-event-loop thread (main, a test, a worker). */
  public static Migrations load(Vertx vertx, PgConfig pg) {
    List<Migration> list = new ArrayList<>();
    for (String file : readLines("db/migration/index.txt")) {
      Matcher m = NAME.matcher(file);
      if (!m.matches()) {
        throw new IllegalStateException("bad migration file name " + file);
      }
      list.add(new Migration(Integer.parseInt(m.group(1)), m.group(2), String.join("\n", readLines("db/migration/" + file))));
    }
    return new Migrations(vertx, pg, list);
  }

  /** How many migrations the code base has. */
  public int count() {
    return migrations.size();
  }

  /** Creates the database when missing and applies pending migrations; completes with the number applied. */
  public Future<Integer> run() {
    return connect().compose(conn -> apply(conn).eventually(conn::close));
  }

  private Future<SqlConnection> connect() {
    return PgConnection.connect(vertx, pg.connectOptions()).map(c -> (SqlConnection) c).recover(err -> {
      if (err instanceof PgException pe && "3D000".equals(pe.getSqlState())) {
        LOG.info("database {} does not exist: creating it", pg.database());
        return createDatabase().compose(v -> PgConnection.connect(vertx, pg.connectOptions()).map(c -> (SqlConnection) c));
      }
      return Future.failedFuture(err);
    });
  }

  private Future<Void> createDatabase() {
    return PgConnection.connect(vertx, pg.connectOptions("postgres")).compose(conn ->
      conn.query("CREATE DATABASE \"" + pg.database().replace("\"", "\"\"") + "\"").execute()
        .<Void>mapEmpty()
        .recover(err -> {
          // Another node created it first: duplicate_database, or the unique index on pg_database in a race.
          if (err instanceof PgException pe && ("42P04".equals(pe.getSqlState()) || "23505".equals(pe.getSqlState()))) {
            return Future.succeededFuture();
          }
          return Future.failedFuture(err);
        })
        .eventually(conn::close));
  }

  private Future<Integer> apply(SqlConnection conn) {
    return conn.begin().compose(tx -> conn.query("SET LOCAL client_min_messages = warning").execute()
      .compose(v -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(LOCK_KEY)))
      .compose(v -> conn.query("CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL,"
        + " applied_at timestamptz NOT NULL DEFAULT now())").execute())
      .compose(v -> conn.query("SELECT version FROM schema_migrations").execute())
      .compose(rows -> {
        Set<Integer> applied = new HashSet<>();
        for (Row r : rows) {
          applied.add(r.getInteger(0));
        }
        Future<Integer> chain = Future.succeededFuture(0);
        for (Migration m : migrations) {
          if (applied.contains(m.version())) {
            continue;
          }
          chain = chain.compose(n -> {
            LOG.info("applying migration V{}__{}", m.version(), m.name());
            return conn.query(m.sql()).execute()
              .compose(x -> conn.preparedQuery("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
                .execute(Tuple.of(m.version(), m.name())))
              .map(x -> n + 1);
          });
        }
        return chain;
      })
      .compose(n -> tx.commit().map(n))
      .recover(err -> tx.rollback().transform(x -> Future.failedFuture(err))));
  }

  private static List<String> readLines(String resource) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + resource);
      }
      List<String> lines = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (resource.endsWith("index.txt")) {
            line = line.trim();
            if (line.isEmpty() || line.startsWith("#")) {
              continue;
            }
          }
          lines.add(line);
        }
      }
      return lines;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }
}
