package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.config.JobsConfig;
import com.favoriteproducts.config.PgConfig;
import com.favoriteproducts.support.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The job worker's connections commit synchronously unless JOBS_SYNCHRONOUS_COMMIT says otherwise. */
@DisplayName("synchronous commit of the job worker")
class SynchronousCommitTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static String setting(JsonObject extra) {
    JsonObject config = TestServices.config().mergeIn(extra);
    PgConnection conn = await(PgConnection.connect(vertx,
      JobsVerticle.connectOptions(PgConfig.from(config), JobsConfig.from(config))));
    try {
      return await(conn.query("SHOW synchronous_commit").execute()).iterator().next().getString(0);
    } finally {
      await(conn.close());
    }
  }

  @Test
  @DisplayName("on by default (a 201 is durable); off when JOBS_SYNCHRONOUS_COMMIT=off")
  void byConfig() {
    assertThat(setting(new JsonObject())).isEqualTo("on");
    assertThat(setting(new JsonObject().put("JOBS_SYNCHRONOUS_COMMIT", "off"))).isEqualTo("off");
  }
}
