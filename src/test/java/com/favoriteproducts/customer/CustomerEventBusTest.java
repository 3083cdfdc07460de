package com.favoriteproducts.customer;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.bus.FieldError;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@DisplayName("customers over the event bus (the API other verticles in the cluster use)")
class CustomerEventBusTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  private ReplyException failure(String address, JsonObject body) {
    Throwable t = catchThrowable(() -> app.vertx.eventBus().request(address, body).await(10, TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(ReplyException.class);
    return (ReplyException) t;
  }

  @Test
  @DisplayName("create, get, patch and delete work with JSON messages; the reply carries the version")
  void crud() {
    String email = "bus-" + UUID.randomUUID() + "@example.com";
    JsonObject c = (JsonObject) await(app.vertx.eventBus().request(Addresses.CUSTOMERS_CREATE,
      new JsonObject().put("name", "Bus").put("email", email))).body();
    assertThat(c.getInteger("version")).isEqualTo(1);
    JsonObject got = (JsonObject) await(app.vertx.eventBus().request(Addresses.CUSTOMERS_GET,
      new JsonObject().put("id", c.getString("id")))).body();
    assertThat(got).isEqualTo(c);
    JsonObject patched = (JsonObject) await(app.vertx.eventBus().request(Addresses.CUSTOMERS_PATCH,
      new JsonObject().put("id", c.getString("id")).put("patch", new JsonObject().put("name", "Bus 2")).put("ifMatch", 1))).body();
    assertThat(patched.getString("name")).isEqualTo("Bus 2");
    assertThat(patched.getInteger("version")).isEqualTo(2);
    await(app.vertx.eventBus().request(Addresses.CUSTOMERS_DELETE, new JsonObject().put("id", c.getString("id"))));
    assertThat(failure(Addresses.CUSTOMERS_GET, new JsonObject().put("id", c.getString("id"))).failureCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("the verticle validates on its own: bad input gets code 400 with field errors, a bad id 400, a taken email 409")
  void validation() {
    ReplyException bad = failure(Addresses.CUSTOMERS_CREATE, new JsonObject().put("name", "  ").put("email", "nope").put("x", 1));
    assertThat(bad.failureCode()).isEqualTo(400);
    assertThat(bad).isInstanceOf(BusFailure.class);
    assertThat(((BusFailure) bad).errors().stream().map(FieldError::field))
      .containsExactlyInAnyOrder("/x", "/name", "/email");
    assertThat(failure(Addresses.CUSTOMERS_GET, new JsonObject().put("id", "zzz")).failureCode()).isEqualTo(400);
    assertThat(failure(Addresses.CUSTOMERS_LIST, new JsonObject().put("limit", 1000)).failureCode()).isEqualTo(400);
    assertThat(failure(Addresses.CUSTOMERS_LIST, new JsonObject().put("limit", "ten")).failureCode()).isEqualTo(400);
    String email = "bus-" + UUID.randomUUID() + "@example.com";
    await(app.vertx.eventBus().request(Addresses.CUSTOMERS_CREATE, new JsonObject().put("name", "A").put("email", email)));
    assertThat(failure(Addresses.CUSTOMERS_CREATE, new JsonObject().put("name", "B").put("email", email.toUpperCase()))
      .failureCode()).isEqualTo(409);
  }
}
