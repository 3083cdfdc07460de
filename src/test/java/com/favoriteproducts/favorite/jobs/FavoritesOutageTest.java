package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.favorite.jobs.RabbitTopology;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.Rabbit;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The product API failing or forgetting products, and jobs delivered twice: short retry delays and a 1 s product
 * cache so that time-dependent behaviour shows within seconds.
 */
@DisplayName("favorites while the product API fails, and redeliveries")
class FavoritesOutageTest {

  @RegisterExtension
  @Order(1)
  static final TestApp app = TestApp.perClass(c -> c
    .put("JOBS_RETRY_DELAYS_MS", "200,400").put("JOBS_MAX_ATTEMPTS", 1000).put("JOBS_SWEEP_INTERVAL_MS", 500)
    .put("PRODUCTS_BREAKER_RESET_MS", 300).put("PRODUCTS_CACHE_TTL_SECONDS", 1).put("PRODUCTS_LOCAL_TTL_MS", 200)
    .put("PRODUCTS_REPLY_TIMEOUT_MS", 1000));
  @RegisterExtension
  @Order(2)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  @Test
  @DisplayName("product API down during adds: every add is accepted, jobs retry (never failed as not found), lists stay 200, and all are stored after recovery")
  void productApiDownDuringAdds() {
    String listed = api.newCustomer();
    String before = app.fakeProducts.newProduct().getString("id");
    api.addNow(listed, before);

    app.fakeProducts.down(true);
    Map<String, List<String>> accepted = new HashMap<>();
    List<String> jobIds = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String c = i == 0 ? listed : api.newCustomer();
      for (int j = 0; j < 4; j++) {
        String p = app.fakeProducts.newProduct().getString("id");
        HttpResponse<Buffer> r = api.put(c, p);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
        accepted.computeIfAbsent(c, k -> new ArrayList<>()).add(p);
        jobIds.add(r.bodyAsJsonObject().getString("jobId"));
      }
    }
    Eventually.until(15_000, "every job has retried", () -> jobIds.stream().allMatch(id -> api.job(id).getInteger("attempts") >= 2));
    assertThat(jobIds).allMatch(id -> "pending".equals(api.jobStatus(id)));
    // Jobs still pending once the publication marks' delay (at most 1 s) is over have their confirm recorded, so the
    // sweeper (JOBS_UNPUBLISHED_AFTER_MS) leaves them to their retries.
    Eventually.until(5_000, "the pending jobs are marked published", () -> jobIds.stream().allMatch(id ->
      api.count("SELECT count(*) FROM favorite_jobs WHERE id = $1 AND published_at IS NOT NULL", UUID.fromString(id)) == 1));
    HttpResponse<Buffer> list = api.list(listed, null);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.bodyAsJsonObject().getJsonArray("items").size()).isEqualTo(1); // pending adds are not listed

    app.fakeProducts.down(false);
    Eventually.until(20_000, "every accepted add is stored", () -> accepted.entrySet().stream()
      .allMatch(e -> api.storedProducts(e.getKey()).containsAll(e.getValue())));
    assertThat(jobIds).allMatch(id -> "done".equals(api.jobStatus(id)));
    assertThat(api.storedProducts(listed)).hasSize(5);
    for (String c : accepted.keySet()) {
      assertThat(api.jobs(c, "failed")).isZero();
    }
  }

  @Test
  @DisplayName("list markers: STALE from the stale cache or the stored snapshot while the API is down; NOT_FOUND once the API forgets a product")
  void availabilityMarkers() {
    String c = api.newCustomer();
    JsonObject gone = app.fakeProducts.newProduct();
    JsonObject kept = app.fakeProducts.newProduct();
    api.addNow(c, gone.getString("id"));
    api.addNow(c, kept.getString("id"));
    Eventually.elapse(1300, "the cached copies are no longer fresh (PRODUCTS_CACHE_TTL_SECONDS=1)");

    app.fakeProducts.down(true);
    JsonArray stale = api.list(c, null).bodyAsJsonObject().getJsonArray("items");
    assertThat(stale.size()).isEqualTo(2);
    for (int i = 0; i < 2; i++) {
      JsonObject item = stale.getJsonObject(i);
      assertThat(item.getString("availability")).isEqualTo("STALE");
      assertThat(OffsetDateTime.parse(item.getString("fetchedAt"))).isBefore(OffsetDateTime.now());
      assertThat(item.getString("title")).startsWith("Product ");
    }
    // nothing cached at all: the items come from the snapshots stored with the favorites
    app.deleteRedisKeys("fp:product:*");
    Eventually.elapse(300, "the in-process copies expire (PRODUCTS_LOCAL_TTL_MS=200)");
    HttpResponse<Buffer> fromSnapshots = api.list(c, null);
    assertThat(fromSnapshots.statusCode()).isEqualTo(200);
    JsonArray snap = fromSnapshots.bodyAsJsonObject().getJsonArray("items");
    assertThat(snap.getJsonObject(0).getString("availability")).isEqualTo("STALE");
    assertThat(snap.getJsonObject(0).getString("title")).isEqualTo(gone.getString("title"));
    assertThat(snap.getJsonObject(0).getDouble("price")).isEqualTo(149.9);
    assertThat(snap.getJsonObject(0).getString("fetchedAt")).isNotNull();
    assertThat(api.get("/v1/customers/" + c + "/favorites/" + kept.getString("id"), api.admin).bodyAsJsonObject()
      .getString("availability")).isEqualTo("STALE");

    app.fakeProducts.down(false);
    app.fakeProducts.delete(gone.getString("id"));
    Eventually.until(10_000, "the forgotten product is NOT_FOUND and the other AVAILABLE", () -> {
      JsonArray items = api.list(c, null).bodyAsJsonObject().getJsonArray("items");
      return "NOT_FOUND".equals(items.getJsonObject(0).getString("availability"))
        && "AVAILABLE".equals(items.getJsonObject(1).getString("availability"));
    });
    JsonObject notFound = api.list(c, null).bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    assertThat(notFound.getString("productId")).isEqualTo(gone.getString("id"));
    assertThat(notFound.getString("title")).isEqualTo(gone.getString("title")); // still listed, as stored
    assertThat(api.storedProducts(c)).hasSize(2);
  }

  @Test
  @DisplayName("the same job message delivered twice (published directly) stores one row, also for a product already stored")
  void redelivery() {
    String c = api.newCustomer();
    String stored = app.fakeProducts.newProduct().getString("id");
    api.addNow(c, stored);
    OffsetDateTime addedAt = addedAt(c, stored);
    String fresh = app.fakeProducts.newProduct().getString("id");
    // pending jobs written straight to the database, as a node would before crashing between commit and publish
    UUID jobStored = insertPendingJob(c, stored);
    UUID jobFresh = insertPendingJob(c, fresh);

    RabbitMQClient rabbit = Rabbit.client(app.vertx, app.config);
    try {
      RabbitTopology t = Rabbit.topology(app.config);
      for (UUID job : List.of(jobStored, jobFresh)) {
        JsonObject message = new JsonObject().put("jobId", job.toString()).put("customerId", c)
          .put("productId", job.equals(jobStored) ? stored : fresh).put("attempt", 0);
        for (int i = 0; i < 2; i++) {
          await(rabbit.basicPublish(t.workExchange(), RabbitTopology.ROUTING_KEY, message.toBuffer()));
        }
      }
    } finally {
      await(rabbit.stop());
    }
    Eventually.until(10_000, "both jobs are done", () -> "done".equals(api.jobStatus(jobStored.toString()))
      && "done".equals(api.jobStatus(jobFresh.toString())));
    assertThat(api.storedProducts(c)).containsExactly(stored, fresh);
    assertThat(addedAt(c, stored)).isEqualTo(addedAt);
    assertThat(api.count("SELECT count(*) FROM favorites WHERE customer_id = $1", UUID.fromString(c))).isEqualTo(2);
  }

  private static UUID insertPendingJob(String customerId, String productId) {
    UUID id = UUID.randomUUID();
    await(app.db.preparedQuery("INSERT INTO favorite_jobs (id, customer_id, product_id, published_at) VALUES ($1, $2, $3, now())")
      .execute(Tuple.of(id, UUID.fromString(customerId), UUID.fromString(productId))));
    return id;
  }

  private static OffsetDateTime addedAt(String customerId, String productId) {
    return await(app.db.preparedQuery("SELECT added_at FROM favorites WHERE customer_id = $1 AND product_id = $2")
      .execute(Tuple.of(UUID.fromString(customerId), UUID.fromString(productId)))).iterator().next().getOffsetDateTime(0);
  }
}
