package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.FavoriteEvent;
import com.favoriteproducts.support.CloudEvents;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.Rabbit;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("favorites API")
class FavoritesApiTest {

  @RegisterExtension
  @Order(1)
  static final TestApp app = TestApp.perClass(c -> c
    .put("JOBS_RETRY_DELAYS_MS", "200,400").put("JOBS_SWEEP_INTERVAL_MS", 500)
    .put("PRODUCTS_BREAKER_RESET_MS", 300));
  @RegisterExtension
  @Order(2)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  @Test
  @DisplayName("PUT with Prefer: wait stores the favorite (201 with the product data); adding it again by PUT or POST is 200")
  void addWaitAndIdempotent() {
    String c = api.newCustomer();
    JsonObject product = app.fakeProducts.newProduct();
    String p = product.getString("id");
    HttpResponse<Buffer> r = api.put(c, p, api.admin, 10);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    assertThat(r.getHeader("Location")).isEqualTo("/v1/customers/" + c + "/favorites/" + p);
    assertThat(r.getHeader("Preference-Applied")).isEqualTo("wait=10");
    JsonObject f = r.bodyAsJsonObject();
    assertThat(f.getString("productId")).isEqualTo(p);
    assertThat(f.getString("title")).isEqualTo(product.getString("title"));
    assertThat(f.getString("brand")).isEqualTo("Acme");
    assertThat(f.getString("image")).isEqualTo(product.getString("image"));
    assertThat(f.getDouble("price")).isEqualTo(149.9);
    assertThat(f.getDouble("reviewScore")).isEqualTo(4.5);
    assertThat(f.getString("availability")).isEqualTo("AVAILABLE");
    assertThat(f.getString("addedAt")).isNotNull();

    HttpResponse<Buffer> again = api.put(c, p);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject()).isEqualTo(f);
    HttpResponse<Buffer> byPost = api.post(c, new JsonObject().put("productId", p), api.admin, null);
    assertThat(byPost.statusCode()).isEqualTo(200);
    assertThat(byPost.bodyAsJsonObject()).isEqualTo(f);

    assertThat(api.storedProducts(c)).containsExactly(p);
    assertThat(api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1", UUID.fromString(c))).isEqualTo(1);
    assertThat(api.jobs(c, "done")).isEqualTo(1);
    // the snapshot is stored with the favorite
    var row = await(app.db.preparedQuery("SELECT title, price, review_score, fetched_at FROM favorites WHERE customer_id = $1")
      .execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(c)))).iterator().next();
    assertThat(row.getString("title")).isEqualTo(product.getString("title"));
    assertThat(row.getDouble("price")).isEqualTo(149.9);
    assertThat(row.getOffsetDateTime("fetched_at")).isNotNull();
  }

  @Test
  @DisplayName("POST without Prefer answers 202 with Location: /v1/jobs/{jobId}; the job stores the favorite (done, 1 attempt)")
  void addAccepted() {
    String c = api.newCustomer();
    String p = app.fakeProducts.newProduct().getString("id");
    HttpResponse<Buffer> r = api.post(c, new JsonObject().put("productId", p), app.customerToken(c), null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    JsonObject job = r.bodyAsJsonObject();
    String jobId = job.getString("jobId");
    assertThat(r.getHeader("Location")).isEqualTo("/v1/jobs/" + jobId);
    assertThat(r.getHeader("Preference-Applied")).isNull();
    assertThat(job.getString("status")).isEqualTo("pending");
    assertThat(job.getString("customerId")).isEqualTo(c);
    assertThat(job.getString("productId")).isEqualTo(p);

    Eventually.until(10_000, "the job is done", () -> "done".equals(api.jobStatus(jobId)));
    JsonObject done = api.job(jobId);
    assertThat(done.getInteger("attempts")).isEqualTo(1);
    assertThat(done.containsKey("reason")).isFalse();
    assertThat(api.storedProducts(c)).containsExactly(p);
    HttpResponse<Buffer> one = api.get("/v1/customers/" + c + "/favorites/" + p, app.customerToken(c));
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.bodyAsJsonObject().getString("availability")).isEqualTo("AVAILABLE");
  }

  @Test
  @DisplayName("a second add while one is pending returns the same job; it is stored once the product API is back")
  void samePendingJob() {
    String c = api.newCustomer();
    String p = app.fakeProducts.newProduct().getString("id");
    app.fakeProducts.down(true);
    HttpResponse<Buffer> first = api.put(c, p);
    HttpResponse<Buffer> second = api.put(c, p);
    HttpResponse<Buffer> third = api.post(c, new JsonObject().put("productId", p), api.admin, null);
    assertThat(List.of(first.statusCode(), second.statusCode(), third.statusCode())).containsOnly(202);
    String jobId = first.bodyAsJsonObject().getString("jobId");
    assertThat(second.bodyAsJsonObject().getString("jobId")).isEqualTo(jobId);
    assertThat(third.bodyAsJsonObject().getString("jobId")).isEqualTo(jobId);
    Eventually.until(10_000, "a failed attempt is recorded", () -> api.job(jobId).getInteger("attempts") >= 1);
    assertThat(api.jobStatus(jobId)).isEqualTo("pending");

    app.fakeProducts.down(false);
    Eventually.until(15_000, "the job is done", () -> "done".equals(api.jobStatus(jobId)));
    assertThat(api.storedProducts(c)).containsExactly(p);
    assertThat(api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1", UUID.fromString(c))).isEqualTo(1);
  }

  @Test
  @DisplayName("a product the product API does not know: 404 with Prefer: wait, and the job fails as product_not_found after one attempt")
  void unknownProduct() {
    String c = api.newCustomer();
    String p = UUID.randomUUID().toString();
    assertProblem(api.put(c, p, api.admin, 10), 404);
    JsonObject job = api.job(jobIdOf(c, p));
    assertThat(job.getString("status")).isEqualTo("failed");
    assertThat(job.getString("reason")).isEqualTo("product_not_found");
    assertThat(job.getInteger("attempts")).isEqualTo(1);
    assertThat(api.storedProducts(c)).isEmpty();

    // without waiting: 202, then failed; a failed job does not block a new add of the same product
    String p2 = UUID.randomUUID().toString();
    String jobId = api.put(c, p2).bodyAsJsonObject().getString("jobId");
    Eventually.until(10_000, "the job failed", () -> "failed".equals(api.jobStatus(jobId)));
    assertThat(api.job(jobId).getString("reason")).isEqualTo("product_not_found");
    HttpResponse<Buffer> retry = api.put(c, p2);
    assertThat(retry.statusCode()).isEqualTo(202);
    assertThat(retry.bodyAsJsonObject().getString("jobId")).isNotEqualTo(jobId);
  }

  private String jobIdOf(String customerId, String productId) {
    return await(app.db.preparedQuery("SELECT id FROM favorite_jobs WHERE customer_id = $1 AND product_id = $2")
      .execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(customerId), UUID.fromString(productId))))
      .iterator().next().getUUID(0).toString();
  }

  @Test
  @DisplayName("Prefer: wait=1 while the product API is down answers 202 after about a second, with Preference-Applied")
  void waitTimesOut() {
    String c = api.newCustomer();
    String p = app.fakeProducts.newProduct().getString("id");
    app.fakeProducts.down(true);
    long t0 = System.nanoTime();
    HttpResponse<Buffer> r = api.put(c, p, api.admin, 1);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.getHeader("Preference-Applied")).isEqualTo("wait=1");
    assertThat(r.getHeader("Location")).startsWith("/v1/jobs/");
    assertThat(ms).isBetween(900L, 5000L);
  }

  @Test
  @DisplayName("an unknown customer is 404 for add, list, read and remove, and nothing is stored")
  void unknownCustomer() {
    String c = UUID.randomUUID().toString();
    String p = app.fakeProducts.newProduct().getString("id");
    assertProblem(api.put(c, p), 404);
    assertProblem(api.put(c, p, api.admin, 5), 404);
    assertProblem(api.post(c, new JsonObject().put("productId", p), api.admin, null), 404);
    assertProblem(api.list(c, null), 404);
    assertProblem(api.get("/v1/customers/" + c + "/favorites/" + p, api.admin), 404);
    assertProblem(api.delete(c, p), 404);
    assertThat(api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1", UUID.fromString(c))).isZero();
  }

  @Test
  @DisplayName("a productId that is not a UUID, a body without it, a bad limit or cursor: 400 naming the field")
  void validation() {
    String c = api.newCustomer();
    HttpResponse<Buffer> r = api.put(c, "not-a-uuid");
    assertProblem(r, 400);
    assertThat(r.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("productId");
    HttpResponse<Buffer> body = api.post(c, new JsonObject().put("productId", "nope"), api.admin, null);
    assertProblem(body, 400);
    assertThat(body.bodyAsString()).contains("productId");
    assertProblem(api.post(c, new JsonObject(), api.admin, null), 400);
    assertProblem(api.post(c, new JsonObject().put("productId", UUID.randomUUID().toString()).put("extra", 1), api.admin, null), 400);
    assertProblem(api.list(c, "limit=0"), 400);
    assertProblem(api.list(c, "limit=101"), 400);
    HttpResponse<Buffer> cursor = api.list(c, "cursor=garbage");
    assertProblem(cursor, 400);
    assertThat(cursor.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("cursor");
    assertProblem(api.get("/v1/jobs/not-a-uuid", api.admin), 400);
    assertThat(api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1", UUID.fromString(c))).isZero();
  }

  @Test
  @DisplayName("a customer token reaches only its own favorites and jobs (403 otherwise); dead-letter operations are admin only")
  void authorization() {
    String a = api.newCustomer();
    String b = api.newCustomer();
    String tokenA = app.customerToken(a);
    String p = app.fakeProducts.newProduct().getString("id");
    HttpResponse<Buffer> own = api.put(a, p, tokenA, null);
    assertThat(own.statusCode()).isEqualTo(202);
    String jobId = own.bodyAsJsonObject().getString("jobId");
    assertProblem(api.put(b, p, tokenA, null), 403);
    assertProblem(api.post(b, new JsonObject().put("productId", p), tokenA, null), 403);
    assertProblem(api.get("/v1/customers/" + b + "/favorites", tokenA), 403);
    assertProblem(api.get("/v1/customers/" + b + "/favorites/" + p, tokenA), 403);
    assertProblem(await(app.http.delete("/v1/customers/" + b + "/favorites/" + p).bearerTokenAuthentication(tokenA).send()), 403);
    assertThat(api.get("/v1/jobs/" + jobId, tokenA).statusCode()).isEqualTo(200);
    assertProblem(api.get("/v1/jobs/" + jobId, app.customerToken(b)), 403);
    assertThat(api.get("/v1/jobs/" + jobId, api.admin).statusCode()).isEqualTo(200);
    assertProblem(api.get("/v1/jobs/" + UUID.randomUUID(), api.admin), 404);
    assertProblem(api.get("/v1/admin/jobs/dead", tokenA), 403);
    assertProblem(await(app.http.post("/v1/admin/jobs/dead/replay").bearerTokenAuthentication(tokenA).send()), 403);
    assertProblem(await(app.http.get("/v1/customers/" + a + "/favorites").send()), 401);
    assertThat(api.storedProducts(b)).isEmpty();
  }

  @Test
  @DisplayName("GET one favorite, DELETE it (204, gone), DELETE again 404; favorites.added and favorites.removed reach the event bus, and as CloudEvents the fanout exchange")
  void readRemoveAndEvents() {
    RabbitMQClient rabbit = Rabbit.client(app.vertx, app.config);
    String eventsQueue = await(rabbit.queueDeclareAuto()).getString("queue");
    await(rabbit.queueBind(eventsQueue, Rabbit.topology(app.config).eventsExchange(), ""));
    List<JsonObject> added = new CopyOnWriteArrayList<>();
    List<JsonObject> removed = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> onAdded = app.vertx.eventBus().consumer(Addresses.FAVORITES_ADDED, m -> added.add(m.body()));
    MessageConsumer<JsonObject> onRemoved = app.vertx.eventBus().consumer(Addresses.FAVORITES_REMOVED, m -> removed.add(m.body()));
    try {
      await(Future.all(onAdded.completion(), onRemoved.completion()));
      String c = api.newCustomer();
      String p = app.fakeProducts.newProduct().getString("id");
      JsonObject f = api.addNow(c, p);
      HttpResponse<Buffer> one = api.get("/v1/customers/" + c + "/favorites/" + p, api.admin);
      assertThat(one.statusCode()).isEqualTo(200);
      assertThat(one.bodyAsJsonObject()).isEqualTo(f);

      assertThat(api.delete(c, p).statusCode()).isEqualTo(204);
      assertThat(api.storedProducts(c)).isEmpty();
      assertProblem(api.delete(c, p), 404);
      assertProblem(api.get("/v1/customers/" + c + "/favorites/" + p, api.admin), 404);

      Eventually.until(5000, "both events arrive on the bus", () -> added.stream().anyMatch(e -> p.equals(e.getString("productId")))
        && removed.stream().anyMatch(e -> p.equals(e.getString("productId"))));
      JsonObject event = added.stream().filter(e -> p.equals(e.getString("productId"))).findFirst().orElseThrow();
      assertThat(event.getString("customerId")).isEqualTo(c);
      assertThat(event.getString("at")).isNotBlank();

      // The fanout exchange carries CloudEvents (structured mode), one message per change, the event id as message id.
      List<RabbitMQMessage> fanout = new ArrayList<>();
      Eventually.until(5000, "both events reach the fanout exchange", () -> {
        RabbitMQMessage m = await(rabbit.basicGet(eventsQueue, true));
        if (m != null) {
          fanout.add(m);
        }
        return fanout.stream().filter(m2 -> p.equals(m2.body().toJsonObject().getJsonObject("data").getString("productId")))
          .count() == 2;
      });
      List<RabbitMQMessage> mine = fanout.stream()
        .filter(m -> p.equals(m.body().toJsonObject().getJsonObject("data").getString("productId"))).toList();
      CloudEvents.assertFavoriteEvent(mine.get(0).body().toJsonObject(), FavoriteEvent.Kind.ADDED, c, p);
      CloudEvents.assertFavoriteEvent(mine.get(1).body().toJsonObject(), FavoriteEvent.Kind.REMOVED, c, p);
      for (RabbitMQMessage m : mine) {
        JsonObject ce = m.body().toJsonObject();
        assertThat(m.properties().getContentType()).isEqualTo("application/cloudevents+json");
        assertThat(m.properties().getMessageId()).isEqualTo(ce.getString("id"));
        assertThat(String.valueOf(m.properties().getHeaders().get("type"))).isEqualTo(ce.getString("type"));
      }
      assertThat(mine.get(0).body().toJsonObject().getJsonObject("data").getString("at")).isEqualTo(event.getString("at"));
    } finally {
      onAdded.unregister();
      onRemoved.unregister();
      await(rabbit.queueDelete(eventsQueue));
      await(rabbit.stop());
    }
  }

  @Test
  @DisplayName("20 concurrent adds of one product: no 5xx, never two jobs pending at once, every job ends done, one"
    + " stored row")
  void concurrentAdds() {
    String c = api.newCustomer();
    String p = app.fakeProducts.newProduct().getString("id");
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      var req = app.http.put("/v1/customers/" + c + "/favorites/" + p).bearerTokenAuthentication(api.admin);
      if (i % 4 == 0) {
        req.putHeader("Prefer", "wait=10");
      }
      all.add(req.send());
    }
    await(Future.join(all));
    Set<String> jobIds = new HashSet<>();
    for (Future<HttpResponse<Buffer>> f : all) {
      HttpResponse<Buffer> r = f.result();
      assertThat(r.statusCode()).as(r.bodyAsString()).isIn(200, 201, 202);
      if (r.statusCode() == 202) {
        jobIds.add(r.bodyAsJsonObject().getString("jobId"));
      }
    }
    // Usually one job. Rarely a second: an accept statement whose snapshot predates the first job's commit inserts
    // after that job was already stored (it is then no longer pending, so the one-pending index does not stop it);
    // the second job finds the favorite stored and ends done. What must hold: one stored row, every job done.
    assertThat(jobIds).hasSizeLessThanOrEqualTo(2);
    Eventually.until(10_000, "the favorite is stored", () -> api.storedProducts(c).size() == 1);
    long jobs = api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1", UUID.fromString(c));
    assertThat(jobs).isBetween(1L, 2L);
    Eventually.until(5000, "every job is done", () -> api.jobs(c, "done") == jobs);
    assertThat(api.storedProducts(c)).containsExactly(p);
  }

  @Test
  @DisplayName("100 concurrent adds for 5 customers, mixed with adds for an unknown customer: those 404, every other add"
    + " stored once, and each customer's favorites_count matches its rows, also after removals")
  void concurrentAddsAcrossCustomers() {
    List<String> customers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      customers.add(api.newCustomer());
    }
    String unknown = UUID.randomUUID().toString();
    List<Future<HttpResponse<Buffer>>> known = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> unknownAdds = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      // every fourth product has no reviewScore (and no brand): stored with a null score
      String p = i % 4 != 0 ? app.fakeProducts.newProduct().getString("id") : app.fakeProducts.upsert(new JsonObject()
        .put("id", UUID.randomUUID().toString()).put("title", "Bare " + i).put("image", "http://i/" + i).put("price", 10.5))
        .getString("id");
      for (String c : customers) {
        known.add(app.http.put("/v1/customers/" + c + "/favorites/" + p).bearerTokenAuthentication(api.admin).send());
      }
      if (i % 5 == 0) {
        unknownAdds.add(app.http.put("/v1/customers/" + unknown + "/favorites/" + p)
          .bearerTokenAuthentication(api.admin).send());
      }
    }
    await(Future.join(known));
    await(Future.join(unknownAdds));
    Set<String> jobIds = new HashSet<>();
    for (Future<HttpResponse<Buffer>> f : known) {
      assertThat(f.result().statusCode()).as(f.result().bodyAsString()).isEqualTo(202);
      jobIds.add(f.result().bodyAsJsonObject().getString("jobId"));
    }
    assertThat(jobIds).hasSize(100);
    for (Future<HttpResponse<Buffer>> f : unknownAdds) {
      assertProblem(f.result(), 404);
    }
    for (String c : customers) {
      Eventually.until(15_000, "all 20 adds of " + c + " are done", () -> api.jobs(c, "done") == 20);
      UUID id = UUID.fromString(c);
      assertThat(api.count("SELECT count(*) FROM favorites WHERE customer_id = $1", id)).isEqualTo(20);
      assertThat(api.count("SELECT favorites_count FROM customers WHERE id = $1", id)).isEqualTo(20);
      assertThat(api.count("SELECT count(*) FROM favorites WHERE customer_id = $1 AND review_score IS NULL"
        + " AND price = 10.5", id)).isEqualTo(5);
    }
    String first = customers.get(0);
    List<String> stored = api.storedProducts(first);
    for (int i = 0; i < 3; i++) {
      assertThat(await(app.http.delete("/v1/customers/" + first + "/favorites/" + stored.get(i))
        .bearerTokenAuthentication(api.admin).send()).statusCode()).isEqualTo(204);
    }
    assertThat(api.count("SELECT favorites_count FROM customers WHERE id = $1", UUID.fromString(first))).isEqualTo(17);
    assertThat(api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1",
      UUID.fromString(unknown))).isZero();
  }

  @Test
  @DisplayName("pages follow addedAt with no duplicates or gaps while favorites are added; the ETag gives 304 until the list changes")
  void paginationAndETag() {
    String c = api.newCustomer();
    List<String> products = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String p = app.fakeProducts.newProduct().getString("id");
      api.addNow(c, p);
      products.add(p);
    }
    List<String> seen = new ArrayList<>();
    HttpResponse<Buffer> page = api.list(c, "limit=2");
    assertThat(page.statusCode()).isEqualTo(200);
    String extra = null;
    while (true) {
      JsonObject body = page.bodyAsJsonObject();
      JsonArray items = body.getJsonArray("items");
      assertThat(items.size()).isLessThanOrEqualTo(2);
      items.forEach(o -> seen.add(((JsonObject) o).getString("productId")));
      if (extra == null) {
        // added between two pages: it comes last, the rest of the walk is unaffected
        extra = app.fakeProducts.newProduct().getString("id");
        api.addNow(c, extra);
      }
      String next = body.getString("nextCursor");
      if (next == null) {
        break;
      }
      page = api.list(c, "limit=2&cursor=" + next);
      assertThat(page.statusCode()).isEqualTo(200);
    }
    List<String> expected = new ArrayList<>(products);
    expected.add(extra);
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(api.storedProducts(c)).containsExactlyElementsOf(expected);

    HttpResponse<Buffer> full = api.list(c, "limit=100");
    JsonArray items = full.bodyAsJsonObject().getJsonArray("items");
    assertThat(items.size()).isEqualTo(6);
    assertThat(full.bodyAsJsonObject().getString("nextCursor")).isNull();
    JsonObject first = items.getJsonObject(0);
    assertThat(first.fieldNames()).contains("productId", "title", "image", "price", "brand", "reviewScore", "addedAt", "availability");
    String etag = full.getHeader("ETag");
    assertThat(etag).startsWith("\"");
    HttpResponse<Buffer> notModified = await(app.http.get("/v1/customers/" + c + "/favorites?limit=100")
      .bearerTokenAuthentication(api.admin).putHeader("If-None-Match", etag).send());
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.getHeader("ETag")).isEqualTo(etag);
    assertThat(api.delete(c, products.get(0)).statusCode()).isEqualTo(204);
    HttpResponse<Buffer> changed = await(app.http.get("/v1/customers/" + c + "/favorites?limit=100")
      .bearerTokenAuthentication(api.admin).putHeader("If-None-Match", etag).send());
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.getHeader("ETag")).isNotEqualTo(etag);
    assertThat(changed.bodyAsJsonObject().getJsonArray("items").size()).isEqualTo(5);

    String empty = api.newCustomer();
    HttpResponse<Buffer> none = api.list(empty, null);
    assertThat(none.statusCode()).isEqualTo(200);
    assertThat(none.bodyAsJsonObject()).isEqualTo(new JsonObject().put("items", new JsonArray()).putNull("nextCursor"));
  }

  @Test
  @DisplayName("deleting a customer deletes its favorites and its pending jobs")
  void deleteCustomerCascades() {
    String c = api.newCustomer();
    api.addNow(c, app.fakeProducts.newProduct().getString("id"));
    api.addNow(c, app.fakeProducts.newProduct().getString("id"));
    app.fakeProducts.down(true);
    assertThat(api.put(c, app.fakeProducts.newProduct().getString("id")).statusCode()).isEqualTo(202);
    assertThat(api.jobs(c, "pending")).isEqualTo(1);
    assertThat(await(app.http.delete("/v1/customers/" + c).bearerTokenAuthentication(api.admin).send()).statusCode())
      .isEqualTo(204);
    assertThat(api.storedProducts(c)).isEmpty();
    assertThat(api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1", UUID.fromString(c))).isZero();
    assertProblem(api.list(c, null), 404);
  }
}
