package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.favorite.Job;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.Rabbit;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Poison products: data from the product API (or a copy cached from it) that the database cannot store, or that the
 * service refuses, never jams the add pipeline. Retries 200 ms apart, three attempts for an unstorable product; the
 * sweeper looks every 200 ms for jobs overdue by a second (it used to republish the stuck batch over and over).
 */
@DisplayName("poison products in the add pipeline")
class PoisonProductTest {

  @RegisterExtension
  @Order(1)
  static final TestApp app = TestApp.perClass(c -> c
    .put("JOBS_RETRY_DELAYS_MS", "200").put("JOBS_INVALID_PRODUCT_MAX_ATTEMPTS", 3)
    .put("JOBS_SWEEP_INTERVAL_MS", 200).put("JOBS_STALE_AFTER_MS", 1000)
    .put("PRODUCTS_MAX_TEXT_LENGTH", 200));
  @RegisterExtension
  @Order(2)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  private static String raw(String id, String body) {
    JsonObject r = new JsonObject().put("id", id).put("body", body);
    HttpResponse<Buffer> res = await(app.http.post(app.fakeProducts.port, "127.0.0.1", "/__admin/products/raw")
      .sendJsonObject(r));
    assertThat(res.statusCode()).as(res.bodyAsString()).isIn(200, 201);
    return id;
  }

  /** Pending jobs inserted directly and published as one message: they are one batch for the consumer. */
  private static List<String> oneBatch(String customerId, List<String> productIds) {
    List<Job> jobs = new ArrayList<>();
    for (String p : productIds) {
      UUID id = UUID.randomUUID();
      await(app.db.preparedQuery("INSERT INTO favorite_jobs (id, customer_id, product_id) VALUES ($1, $2, $3)")
        .execute(Tuple.of(id, UUID.fromString(customerId), UUID.fromString(p))));
      jobs.add(new Job(id, UUID.fromString(customerId), UUID.fromString(p), null, null, 0, null, null, null));
    }
    app.vertx.eventBus().send(Addresses.JOBS_PUBLISH, Job.messageOf(jobs));
    return jobs.stream().map(j -> j.id().toString()).toList();
  }

  private static boolean listedDead(String jobId) {
    JsonArray items = api.get("/v1/admin/jobs/dead", api.admin).bodyAsJsonObject().getJsonArray("items");
    return items.stream().anyMatch(o -> jobId.equals(((JsonObject) o).getString("jobId")));
  }

  private static long workQueueMessages() {
    RabbitMQClient client = Rabbit.client(app.vertx, app.config);
    try {
      return await(client.messageCount(Rabbit.topology(app.config).workQueue()));
    } finally {
      await(client.stop());
    }
  }

  @Test
  @DisplayName("good products batched with poison ones are stored; NUL is stripped; refused and unstorable ones end"
    + " failed/invalid_product after 3 attempts, dead-lettered; nothing stays pending, no duplicate jobs")
  void poisonInABatch() {
    String c = api.newCustomer();
    List<String> good = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      good.add(app.fakeProducts.newProduct().getString("id"));
    }
    // NUL and other controls in the title and brand: storable once cleaned
    String nul = raw(UUID.randomUUID().toString(),
      "{\"title\":\"bad\\u0000ti\\u001btle\\ud800\",\"brand\":\"Ac\\u0000me\",\"price\":9.5,"
        + "\"image\":\"javascript:x\"}");
    // refused at the edge: a title of nothing but controls, a price that is not a number, a huge title
    String noTitle = raw(UUID.randomUUID().toString(), "{\"title\":\"\\u0000\\u0001\",\"price\":1}");
    String wrongTypes = raw(UUID.randomUUID().toString(), "{\"title\":[\"x\"],\"price\":\"free\"}");
    String huge = raw(UUID.randomUUID().toString(), "{\"title\":\"" + "x".repeat(201) + "\",\"price\":1}");
    // a copy cached in Redis by an older version, which the database cannot store (NUL in the title)
    String cached = UUID.randomUUID().toString();
    await(app.redis().set(List.of("fp:product:" + cached, new JsonObject().put("id", cached)
      .put("title", "cached\u0000copy").put("price", 3).put("fetchedAt", Instant.now().toString()).encode(),
      "EX", "600")));

    List<String> products = new ArrayList<>(good);
    products.addAll(List.of(nul, noTitle, wrongTypes, huge, cached));
    List<String> jobIds = oneBatch(c, products);
    Map<String, String> jobOf = new HashMap<>();
    for (int i = 0; i < products.size(); i++) {
      jobOf.put(products.get(i), jobIds.get(i));
    }

    Eventually.until(20_000, "no job is pending", () -> api.jobs(c, "pending") == 0);
    for (String g : good) {
      assertThat(api.jobStatus(jobOf.get(g))).isEqualTo("done");
    }
    assertThat(api.job(jobOf.get(nul)).getString("status")).isEqualTo("done");
    JsonObject stored = api.get("/v1/customers/" + c + "/favorites/" + nul, api.admin).bodyAsJsonObject();
    Row row = await(app.db.preparedQuery("SELECT title, brand, image FROM favorites WHERE customer_id = $1"
      + " AND product_id = $2").execute(Tuple.of(UUID.fromString(c), UUID.fromString(nul)))).iterator().next();
    assertThat(row.getString(0)).isEqualTo("badtitle");
    assertThat(row.getString(1)).isEqualTo("Acme");
    assertThat(row.getString(2)).isNull();
    assertThat(stored.getString("title")).isEqualTo("badtitle");
    for (String bad : List.of(noTitle, wrongTypes, huge, cached)) {
      JsonObject job = api.job(jobOf.get(bad));
      assertThat(job.getString("status")).as("job of %s", bad).isEqualTo("failed");
      assertThat(job.getString("reason")).as("job of %s", bad).isEqualTo("invalid_product");
      assertThat(job.getInteger("attempts")).as("job of %s", bad).isEqualTo(3);
      assertThat(job.getString("deadAt")).isNotNull();
      assertThat(listedDead(jobOf.get(bad))).isTrue();
    }
    List<String> expected = new ArrayList<>(good);
    expected.add(nul);
    assertThat(api.storedProducts(c)).containsExactlyInAnyOrderElementsOf(expected);
    // one job per product (the sweeper made no copies), and no message keeps bouncing in the work queue
    assertThat(api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1", UUID.fromString(c)))
      .isEqualTo(products.size());
    Eventually.until(10_000, "the work queue is empty", () -> workQueueMessages() == 0);
    Eventually.holdsFor(1500, "the poison jobs stay at 3 attempts", () ->
      Stream.of(noTitle, wrongTypes, huge, cached).allMatch(p -> api.job(jobOf.get(p)).getInteger("attempts") == 3));
  }

  @Test
  @DisplayName("an add of a refused product waits to a 503 naming invalid_product; GET /v1/products answers 503, never"
    + " 404; the breaker stays closed for the other products")
  void refusedThroughTheApi() {
    String c = api.newCustomer();
    String p = raw(UUID.randomUUID().toString(), "{\"title\":\"\\u0000\",\"price\":1}");
    for (int i = 0; i < 8; i++) { // more than PRODUCTS_BREAKER_MAX_FAILURES (5): it must not count as API failures
      HttpResponse<Buffer> product = api.get("/v1/products/" + p, api.admin);
      assertThat(product.statusCode()).isEqualTo(503);
    }
    JsonObject health = await(app.vertx.eventBus().<JsonObject>request(Addresses.PRODUCTS_HEALTH, new JsonObject()))
      .body();
    assertThat(health.getString("breaker")).isEqualTo("CLOSED");
    String ok = app.fakeProducts.newProduct().getString("id");
    assertThat(api.get("/v1/products/" + ok, api.admin).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> add = api.put(c, p, api.admin, 10);
    assertThat(add.statusCode()).isEqualTo(503);
    assertThat(add.bodyAsJsonObject().getString("detail")).contains("invalid_product");
    assertThat(api.storedProducts(c)).isEmpty();
    api.addNow(c, ok);
    assertThat(api.storedProducts(c)).containsExactly(ok);
  }
}
