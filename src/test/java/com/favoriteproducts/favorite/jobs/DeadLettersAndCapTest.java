package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Three attempts 100 and 200 ms apart, and at most two favorites per customer. */
@DisplayName("dead letters, replay and the favorites cap")
class DeadLettersAndCapTest {

  @RegisterExtension
  @Order(1)
  static final TestApp app = TestApp.perClass(c -> c
    .put("JOBS_MAX_ATTEMPTS", 3).put("JOBS_RETRY_DELAYS_MS", "100,200").put("FAVORITES_MAX_PER_CUSTOMER", 2)
    .put("PRODUCTS_BREAKER_RESET_MS", 200));
  @RegisterExtension
  @Order(2)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  private JsonObject dead() {
    HttpResponse<Buffer> r = api.get("/v1/admin/jobs/dead", api.admin);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private boolean listedDead(String jobId) {
    return dead().getJsonArray("items").stream().anyMatch(o -> jobId.equals(((JsonObject) o).getString("jobId")));
  }

  @Test
  @DisplayName("after the last attempt a job is failed (retries_exhausted) and listed dead; replay stores it once the API is back")
  void deadAndReplay() {
    String c = api.newCustomer();
    String p = app.fakeProducts.newProduct().getString("id");
    app.fakeProducts.down(true);
    String jobId = api.put(c, p).bodyAsJsonObject().getString("jobId");
    Eventually.until(10_000, "the job is dead", () -> "failed".equals(api.jobStatus(jobId)));
    JsonObject job = api.job(jobId);
    assertThat(job.getString("reason")).isEqualTo("retries_exhausted");
    assertThat(job.getInteger("attempts")).isEqualTo(3);
    assertThat(job.getString("deadAt")).isNotNull();
    assertThat(listedDead(jobId)).isTrue();
    Eventually.until(5000, "the dead-letter queue has it", () -> dead().getLong("queued", 0L) >= 1);

    // a waiting add of another product dies within the wait: 503 naming the job
    HttpResponse<Buffer> waited = api.put(c, app.fakeProducts.newProduct().getString("id"), api.admin, 10);
    assertThat(waited.statusCode()).isEqualTo(503);
    assertThat(waited.bodyAsJsonObject().getString("detail")).contains("retries_exhausted");

    app.fakeProducts.down(false);
    // Replay once the product API is back for the service too: its breaker (reset 200 ms here) has closed again.
    // Otherwise the replayed jobs' three quick attempts can all meet the open or half-open breaker and die again.
    Eventually.until(10_000, "the product API answers through the service", () ->
      await(app.http.get("/v1/products/" + p).bearerTokenAuthentication(api.admin).send()).statusCode() == 200);
    HttpResponse<Buffer> replay = await(app.http.post("/v1/admin/jobs/dead/replay").bearerTokenAuthentication(api.admin).send());
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(replay.bodyAsJsonObject().getInteger("replayed")).isGreaterThanOrEqualTo(2);
    assertThat(replay.bodyAsJsonObject().getInteger("drained")).isGreaterThanOrEqualTo(2);
    Eventually.until(10_000, "the replayed job is done", () -> "done".equals(api.jobStatus(jobId)));
    assertThat(api.storedProducts(c)).contains(p);
    // The other replayed job (the waiting add) is processed independently: give it its own time.
    Eventually.until(10_000, "both replayed jobs are stored", () -> api.storedProducts(c).size() == 2);
    assertThat(listedDead(jobId)).isFalse();
    assertThat(dead().getLong("queued")).isZero();
  }

  @Test
  @DisplayName("past FAVORITES_MAX_PER_CUSTOMER (stored plus pending) an add is 409 and no job is created; room again after a removal")
  void cap() {
    String c = api.newCustomer();
    String p1 = app.fakeProducts.newProduct().getString("id");
    String p2 = app.fakeProducts.newProduct().getString("id");
    String p3 = app.fakeProducts.newProduct().getString("id");
    api.addNow(c, p1);
    api.addNow(c, p2);
    HttpResponse<Buffer> third = api.put(c, p3);
    assertProblem(third, 409);
    assertThat(api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1", UUID.fromString(c))).isEqualTo(2);
    assertThat(api.put(c, p1).statusCode()).isEqualTo(200); // an existing favorite is still answered
    assertThat(api.delete(c, p1).statusCode()).isEqualTo(204);
    assertThat(api.put(c, p3, api.admin, 10).statusCode()).isEqualTo(201);

    // pending adds count too
    String d = api.newCustomer();
    app.fakeProducts.down(true);
    assertThat(api.put(d, p1).statusCode()).isEqualTo(202);
    assertThat(api.put(d, p2).statusCode()).isEqualTo(202);
    assertThat(api.put(d, p3).statusCode()).isEqualTo(409);
  }

  @Test
  @DisplayName("the cap is checked again when the job stores: a job finding the customer full fails as favorites_limit_reached")
  void capAtStoreTime() {
    String c = api.newCustomer();
    app.fakeProducts.down(true);
    String jobId = api.put(c, app.fakeProducts.newProduct().getString("id")).bodyAsJsonObject().getString("jobId");
    // meanwhile the customer got two favorites another way (e.g. stored by jobs accepted on another node)
    for (int i = 0; i < 2; i++) {
      await(app.db.preparedQuery("INSERT INTO favorites (customer_id, product_id, title, fetched_at) VALUES ($1, $2, 'x', now())")
        .execute(Tuple.of(UUID.fromString(c), UUID.randomUUID())));
    }
    app.fakeProducts.down(false);
    Eventually.until(10_000, "the job failed", () -> "failed".equals(api.jobStatus(jobId)));
    String reason = api.job(jobId).getString("reason");
    // unless its three attempts ran out while the product API was down
    assertThat(reason).isIn("favorites_limit_reached", "retries_exhausted");
    if (reason.equals("retries_exhausted")) {
      assertThat(await(app.http.post("/v1/admin/jobs/dead/replay").bearerTokenAuthentication(api.admin).send()).statusCode())
        .isEqualTo(200);
      Eventually.until(10_000, "the replayed job failed", () -> "failed".equals(api.jobStatus(jobId)));
      assertThat(api.job(jobId).getString("reason")).isEqualTo("favorites_limit_reached");
    }
    assertThat(api.storedProducts(c)).hasSize(2);
  }
}
