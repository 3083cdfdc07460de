package com.favoriteproducts;

import com.favoriteproducts.support.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("Main.deploy: a bad deployment configuration fails the start-up future (logged, then exit 1), never throws")
class MainTest {

  @Test
  @DisplayName("an instance count that is not a number, and an unknown verticle name")
  void badDeployConfig(Vertx vertx) {
    Future<?> badCount = Main.deploy(vertx, new JsonObject().put("VERTICLES", "http").put("HTTP_INSTANCES", "abc"));
    assertThat(badCount.failed()).isTrue();
    assertThat(badCount.cause()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HTTP_INSTANCES");
    Future<?> badName = Main.deploy(vertx, new JsonObject().put("VERTICLES", "http,nope"));
    assertThat(badName.failed()).isTrue();
    assertThat(badName.cause()).hasMessageContaining("unknown verticle 'nope'");
  }

  @Test
  @DisplayName("a PG_MAX_CONNECTIONS that cannot give each PostgreSQL pool one connection fails the start")
  void poolBudgetTooSmall(Vertx vertx) {
    Future<?> tooSmall = Main.deploy(vertx, TestServices.config().put("VERTICLES", "customers,favorites,favorites-jobs")
      .put("CUSTOMERS_INSTANCES", 2).put("FAVORITES_INSTANCES", 2).put("JOBS_INSTANCES", 1).put("PG_MAX_CONNECTIONS", 4));
    assertThat(tooSmall.failed()).isTrue();
    assertThat(tooSmall.cause()).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("PG_MAX_CONNECTIONS=4").hasMessageContaining("5 PostgreSQL pools");
  }
}
