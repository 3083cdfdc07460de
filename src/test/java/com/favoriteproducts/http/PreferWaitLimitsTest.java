package com.favoriteproducts.http;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Prefer: wait is bounded in number, and trusts only its own job")
class PreferWaitLimitsTest {

  @RegisterExtension
  @Order(1)
  static final TestApp app = TestApp.perClass(c -> c.put("HTTP_INSTANCES", 1).put("FAVORITES_WAIT_MAX_CONCURRENT", 1)
    .put("JOBS_RETRY_DELAYS_MS", "60000"));
  @RegisterExtension
  @Order(2)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  private Future<HttpResponse<Buffer>> putWaiting(String customerId, String productId, int wait) {
    return app.http.put("/v1/customers/" + customerId + "/favorites/" + productId).bearerTokenAuthentication(api.admin)
      .putHeader("Prefer", "wait=" + wait).send();
  }

  private String pendingJobOf(String customerId) {
    Eventually.until(10_000, "the add's job is saved", () -> api.jobs(customerId, "pending") == 1);
    return await(app.db.preparedQuery("SELECT id FROM favorite_jobs WHERE customer_id = $1")
      .execute(Tuple.of(UUID.fromString(customerId)))).iterator().next().getUUID(0).toString();
  }

  @Test
  @DisplayName("over FAVORITES_WAIT_MAX_CONCURRENT waiting adds, an add answers 202 at once, as if no wait was asked")
  void capped() {
    app.fakeProducts.down(true); // jobs stay pending: a wait lasts its full N seconds
    String c1 = api.newCustomer();
    String c2 = api.newCustomer();
    Future<HttpResponse<Buffer>> first = putWaiting(c1, UUID.randomUUID().toString(), 3);
    pendingJobOf(c1);
    Eventually.elapse(200, "the first add is waiting for its job");

    HttpResponse<Buffer> over = await(putWaiting(c2, UUID.randomUUID().toString(), 3));
    assertThat(over.statusCode()).isEqualTo(202);
    assertThat(over.getHeader("Preference-Applied")).as("the wait was not applied").isNull();
    assertThat(over.getHeader("Location")).startsWith("/v1/jobs/");
    assertThat(over.bodyAsJsonObject().getString("status")).isEqualTo("pending");

    HttpResponse<Buffer> waited = await(first);
    assertThat(waited.statusCode()).isEqualTo(202);
    assertThat(waited.getHeader("Preference-Applied")).isEqualTo("wait=3");
    HttpResponse<Buffer> again = await(putWaiting(c2, UUID.randomUUID().toString(), 1));
    assertThat(again.getHeader("Preference-Applied")).as("the slot is free again").isEqualTo("wait=1");
  }

  @Test
  @DisplayName("a forged completion event naming another customer's favorite is not answered; the job decides")
  void forgedCompletion() {
    String victim = api.newCustomer();
    String victimProduct = app.fakeProducts.newProduct().getString("id");
    api.addNow(victim, victimProduct);
    app.fakeProducts.down(true);
    String c = api.newCustomer();
    String p = UUID.randomUUID().toString();
    Future<HttpResponse<Buffer>> waiting = putWaiting(c, p, 3);
    String jobId = pendingJobOf(c);
    Eventually.elapse(300, "the add is listening on its completion address");
    String address = Addresses.jobCompleted(jobId);
    JsonObject forged = new JsonObject().put("jobId", jobId).put("customerId", victim).put("productId", victimProduct)
      .put("status", "done").put("attempts", 1);
    app.vertx.eventBus().publish(address, forged);
    // Even one naming this very job: the wait reads the job, which is still pending.
    app.vertx.eventBus().publish(address, forged.copy().put("customerId", c).put("productId", p));

    HttpResponse<Buffer> r = await(waiting);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    assertThat(r.getHeader("Location")).isEqualTo("/v1/jobs/" + jobId);
    assertThat(r.bodyAsString()).doesNotContain(victim).doesNotContain(victimProduct);
    assertThat(api.jobStatus(jobId)).isEqualTo("pending");
  }
}
