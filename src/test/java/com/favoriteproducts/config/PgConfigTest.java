package com.favoriteproducts.config;

import com.favoriteproducts.support.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

@DisplayName("PostgreSQL pools: sizes from a connection budget, a statement timeout on every pooled connection")
class PgConfigTest {

  private static PgConfig pg(JsonObject c) {
    return PgConfig.from(c);
  }

  @Test
  @DisplayName("PG_MAX_CONNECTIONS is divided among the pools; what an even split leaves goes to the jobs pools; a"
    + " customers or favorites share gives PG_READ_CONNECTIONS to its read client while its pool keeps one")
  void budget() {
    PgConfig twenty = pg(new JsonObject());
    assertThat(twenty.maxConnections()).isEqualTo(20);
    assertThat(twenty.readConnections()).isEqualTo(1);
    assertThat(twenty.budget(2, 2, 1, 0)).isEqualTo(new PgConfig.Budget(3, 3, 4, 4, 1, 20));
    assertThat(twenty.budget(8, 8, 2, 0)).isEqualTo(new PgConfig.Budget(1, 1, 2, 1, 0, 20));
    assertThat(twenty.budget(3, 0, 0, 0)).isEqualTo(new PgConfig.Budget(5, 5, 6, 6, 1, 18));
    assertThat(twenty.budget(2, 2, 1, 1)).isEqualTo(new PgConfig.Budget(2, 2, 5, 3, 1, 20));
    assertThat(twenty.budget(0, 0, 0, 0).total()).isZero();
    assertThat(pg(new JsonObject().put("PG_MAX_CONNECTIONS", 100)).budget(8, 8, 1, 0))
      .isEqualTo(new PgConfig.Budget(4, 4, 20, 5, 1, 100));
    assertThatThrownBy(() -> twenty.budget(16, 16, 1, 0)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("33 PostgreSQL pools");
    assertThat(pg(new JsonObject().put("PG_READ_CONNECTIONS", 0)).budget(2, 2, 1, 1))
      .isEqualTo(new PgConfig.Budget(3, 3, 5, 3, 0, 20));
    assertThat(pg(new JsonObject().put("PG_READ_CONNECTIONS", 2)).budget(2, 2, 1, 1))
      .isEqualTo(new PgConfig.Budget(1, 1, 5, 3, 2, 20));
    assertThat(pg(new JsonObject().put("PG_READ_CONNECTIONS", 5)).budget(2, 2, 1, 1).reads()).isEqualTo(2);
    assertThatThrownBy(() -> pg(new JsonObject().put("PG_READ_CONNECTIONS", -1)))
      .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("PG_POOL_SIZE overrides the split for every pool; the derived sizes reach the verticle as PG_POOL_SIZE"
    + " and PG_READ_CONNECTIONS")
  void override() {
    assertThat(pg(new JsonObject().put("PG_POOL_SIZE", 3)).budget(16, 16, 1, 0))
      .isEqualTo(new PgConfig.Budget(3, 3, 3, 3, 1, 131));
    JsonObject verticle = PgConfig.withPoolSize(new JsonObject().put("PG_MAX_CONNECTIONS", 20), 4, 2);
    assertThat(pg(verticle).poolOptions("p").getMaxSize()).isEqualTo(4);
    assertThat(pg(verticle).readOptions("r").getMaxSize()).isEqualTo(2);
    assertThat(pg(new JsonObject().put("PG_POOL_MAX_WAIT", 7)).poolOptions("p").getMaxWaitQueueSize()).isEqualTo(7);
    assertThat(pg(new JsonObject().put("PG_POOL_MAX_WAIT", 7)).readOptions("r").getMaxWaitQueueSize()).isEqualTo(7);
    assertThatThrownBy(() -> pg(new JsonObject().put("PG_MAX_CONNECTIONS", 0))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("a statement slower than PG_STATEMENT_TIMEOUT_MS is cancelled (57014); single connections have none")
  void statementTimeout() throws Exception {
    Vertx vertx = Vertx.vertx();
    PgConfig cfg = pg(TestServices.config().put("PG_STATEMENT_TIMEOUT_MS", 300));
    Pool pooled = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(cfg.poolConnectOptions())
      .using(vertx).build();
    Pool plain = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(cfg.connectOptions())
      .using(vertx).build();
    try {
      Throwable t = catchThrowable(() -> pooled.query("SELECT pg_sleep(5)").execute().await(20, TimeUnit.SECONDS));
      assertThat(t).isInstanceOf(PgException.class);
      assertThat(((PgException) t).getSqlState()).isEqualTo("57014");
      assertThat(plain.query("SELECT pg_sleep(0.5)").execute().await(20, TimeUnit.SECONDS).size()).isEqualTo(1);
      assertThat(pooled.query("SELECT current_setting('application_name')").execute().await(20, TimeUnit.SECONDS)
        .iterator().next().getString(0)).isEqualTo(PgConfig.APPLICATION_NAME);
    } finally {
      pooled.close();
      plain.close();
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }
}
