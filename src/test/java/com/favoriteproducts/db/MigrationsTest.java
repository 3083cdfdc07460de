package com.favoriteproducts.db;

import com.favoriteproducts.config.PgConfig;
import com.favoriteproducts.support.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("schema migrations")
class MigrationsTest {

  Vertx vertx;
  PgConfig pg;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    JsonObject c = TestServices.config().put("PG_DATABASE", "fp_migrations_" + UUID.randomUUID().toString().replace("-", ""));
    pg = PgConfig.from(c);
  }

  @AfterEach
  void tearDown() {
    PgConnection admin = await(PgConnection.connect(vertx, pg.connectOptions("postgres")));
    await(admin.query("DROP DATABASE IF EXISTS \"" + pg.database() + "\" WITH (FORCE)").execute());
    await(admin.close());
    await(vertx.close());
  }

  @Test
  @DisplayName("a missing database is created; two nodes migrating at once apply each migration exactly once; a rerun applies none")
  void createsAndMigratesOnceUnderConcurrency() throws Exception {
    Migrations a = Migrations.load(vertx, pg);
    Migrations b = Migrations.load(vertx, pg);
    Future<Integer> first = a.run();
    Future<Integer> second = b.run();
    await(Future.join(first, second));
    assertThat(first.succeeded()).as(String.valueOf(first.cause())).isTrue();
    assertThat(second.succeeded()).as(String.valueOf(second.cause())).isTrue();
    int files = Migrations.load(vertx, pg).count();
    assertThat(first.result() + second.result()).isEqualTo(files);
    assertThat(await(Migrations.load(vertx, pg).run())).isZero();

    PgConnection conn = await(PgConnection.connect(vertx, pg.connectOptions()));
    var rows = await(conn.query("SELECT count(*) FROM schema_migrations").execute());
    assertThat(rows.iterator().next().getLong(0)).isEqualTo((long) files);
    var table = await(conn.query("SELECT to_regclass('public.customers') IS NOT NULL").execute());
    assertThat(table.iterator().next().getBoolean(0)).isTrue();
    await(conn.close());
  }
}
