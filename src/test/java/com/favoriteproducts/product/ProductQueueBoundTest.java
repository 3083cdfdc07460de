package com.favoriteproducts.product;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("the product-lookup queue is bounded: past PRODUCTS_MAX_QUEUE a lookup is refused at once, not queued")
class ProductQueueBoundTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c.put("PRODUCTS_LOCAL_CACHE_SIZE", 0)
    .put("PRODUCTS_MAX_CONCURRENCY", 1).put("PRODUCTS_MAX_QUEUE", 1).put("PRODUCTS_TIMEOUT_MS", 10_000)
    .put("PRODUCTS_REPLY_TIMEOUT_MS", 20_000).put("EVENTBUS_TIMEOUT_MS", 30_000));

  @Test
  @DisplayName("one call running, one waiting, the rest answered UNAVAILABLE (503 + Retry-After) without calling the API")
  void refused() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(app.fakeProducts.newProduct().getString("id"));
    }
    app.fakeProducts.faults(new JsonObject().put("latencyMs", 1500));
    List<Future<Message<JsonObject>>> lookups = new ArrayList<>();
    for (String id : ids.subList(0, 5)) {
      lookups.add(app.vertx.eventBus().request(Addresses.PRODUCTS_GET, new JsonObject().put("id", id)));
    }
    String admin = app.adminToken();
    HttpResponse<Buffer> http = await(app.http.get("/v1/products/" + ids.get(5)).bearerTokenAuthentication(admin).send());
    assertThat(http.statusCode()).as(http.bodyAsString()).isEqualTo(503);
    assertThat(http.getHeader("Retry-After")).isNotNull();
    assertThat(http.getHeader("Content-Type")).isEqualTo("application/problem+json");

    int found = 0;
    int unavailable = 0;
    for (Future<Message<JsonObject>> f : lookups) {
      try {
        f.await(30, TimeUnit.SECONDS);
        found++;
      } catch (ReplyException e) {
        assertThat(e.failureCode()).isEqualTo(503);
        unavailable++;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    assertThat(found).as("the running call and the waiting one").isEqualTo(2);
    assertThat(unavailable).isEqualTo(3);
    long called = ids.stream().filter(id -> app.fakeProducts.calls(id) > 0).count();
    assertThat(called).as("lookups refused never reached the API").isEqualTo(2);
  }
}
