package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.LoopAffinity;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A remove, or a customer delete, cancels a pending add: nothing is stored later, and a new add starts a new job. */
@DisplayName("cancelling pending adds")
class CancelPendingAddTest {

  @RegisterExtension
  @Order(1)
  static final TestApp app = TestApp.perClass(c -> c.put("JOBS_RETRY_DELAYS_MS", "500"));
  @RegisterExtension
  @Order(2)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  /**
   * A PUT with Prefer: wait for the pending job {@code jobId}, answered later; returns once the request listens for the
   * job's completion (the edge reads the job on the bus right after registering its listener: seen by an interceptor,
   * by the logical address, since the edge may send to the same-loop {@code jobs.get@<thread>}).
   */
  private static Future<HttpResponse<Buffer>> waitingAdd(String customerId, String productId, String jobId) {
    Promise<Void> listening = Promise.promise();
    Handler<DeliveryContext<Object>> seen = ctx -> {
      if (Addresses.JOBS_GET.equals(LoopAffinity.logical(ctx.message().address())) && ctx.body() instanceof JsonObject b
        && jobId.equals(b.getString("jobId"))) {
        listening.tryComplete();
      }
      ctx.next();
    };
    app.vertx.eventBus().addOutboundInterceptor(seen);
    try {
      Future<HttpResponse<Buffer>> answer = app.http.put("/v1/customers/" + customerId + "/favorites/" + productId)
        .bearerTokenAuthentication(api.admin).putHeader("Prefer", "wait=20").send();
      await(listening.future());
      return answer;
    } finally {
      app.vertx.eventBus().removeOutboundInterceptor(seen);
    }
  }

  private static HttpResponse<Buffer> answered(Future<HttpResponse<Buffer>> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** An add of {@code productId} left pending (the product API down), after its first attempt: its job id. */
  private static String pendingAdd(String customerId, String productId) {
    app.fakeProducts.down(true);
    HttpResponse<Buffer> accepted = api.put(customerId, productId);
    assertThat(accepted.statusCode()).isEqualTo(202);
    String jobId = accepted.bodyAsJsonObject().getString("jobId");
    Eventually.until(10_000, "the job made an attempt", () -> api.job(jobId).getInteger("attempts") >= 1);
    return jobId;
  }

  /**
   * The product API is up again, and lookups go through: the outage may have opened the circuit breaker (two failed
   * attempts within the test's 500 ms retry delay, sooner on a loaded machine), and an add made while it is still open
   * fails fast until its attempts run out (failed once in a full run: retries_exhausted). A lookup of a new product is
   * 503 while the breaker is open and 200 once it has let a trial through.
   */
  private static void productApiBack() {
    app.fakeProducts.down(false);
    String probe = app.fakeProducts.newProduct().getString("id");
    Eventually.until(10_000, "a product lookup goes through the breaker",
      () -> api.get("/v1/products/" + probe, api.admin).statusCode() == 200);
  }

  @Test
  @DisplayName("DELETE of a favorite whose add is pending is 204: the job ends failed/cancelled, nothing is stored"
    + " later, a waiting add hears it (409 naming cancelled), and a new add starts a new job")
  void removeCancels() {
    String c = api.newCustomer();
    String p = app.fakeProducts.newProduct().getString("id");
    String jobId = pendingAdd(c, p);
    Future<HttpResponse<Buffer>> waiting = waitingAdd(c, p, jobId);

    assertThat(api.delete(c, p).statusCode()).isEqualTo(204);
    JsonObject job = api.job(jobId);
    assertThat(job.getString("status")).isEqualTo("failed");
    assertThat(job.getString("reason")).isEqualTo("cancelled");
    HttpResponse<Buffer> waited = answered(waiting);
    assertProblem(waited, 409);
    assertThat(waited.bodyAsJsonObject().getString("detail")).contains("cancelled");

    productApiBack();
    Eventually.holdsFor(2000, "nothing is stored", () -> api.storedProducts(c).isEmpty());
    assertThat(api.job(jobId).getString("reason")).isEqualTo("cancelled");
    assertProblem(api.delete(c, p), 404); // nothing left to remove or cancel

    JsonObject again = api.addNow(c, p);
    assertThat(again.getString("productId")).isEqualTo(p);
    assertThat(api.storedProducts(c)).containsExactly(p);
    assertThat(api.count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1 AND status = 'done'",
      UUID.fromString(c))).isEqualTo(1);
  }

  @Test
  @DisplayName("a remove while the job worker is looking the product up cancels it: the store skips the cancelled job")
  void removeMidFlight() {
    String c = api.newCustomer();
    String p = app.fakeProducts.newProduct().getString("id");
    app.fakeProducts.faults(new JsonObject().put("latencyMs", 1500));
    String jobId = api.put(c, p).bodyAsJsonObject().getString("jobId");
    Eventually.until(10_000, "the worker is asking the product API", () -> app.fakeProducts.calls(p) >= 1);
    assertThat(api.delete(c, p).statusCode()).isEqualTo(204);
    Eventually.holdsFor(3000, "nothing is stored", () -> api.storedProducts(c).isEmpty());
    JsonObject job = api.job(jobId);
    assertThat(job.getString("status")).isEqualTo("failed");
    assertThat(job.getString("reason")).isEqualTo("cancelled");
  }

  @Test
  @DisplayName("favorites.remove on the bus: a pending add only is {deleted: false, cancelledJobId}; a stored one"
    + " {deleted: true}; neither is a 404 failure")
  void removeOnTheBus() {
    String c = api.newCustomer();
    String p = app.fakeProducts.newProduct().getString("id");
    String jobId = pendingAdd(c, p);
    JsonObject req = new JsonObject().put("customerId", c).put("productId", p);
    JsonObject reply = await(app.vertx.eventBus().<JsonObject>request(Addresses.FAVORITES_REMOVE, req)).body();
    assertThat(reply.getBoolean("deleted")).isFalse();
    assertThat(reply.getString("cancelledJobId")).isEqualTo(jobId);
    assertThat(api.job(jobId).getString("reason")).isEqualTo("cancelled");
    assertThatThrownBy(() -> await(app.vertx.eventBus().request(Addresses.FAVORITES_REMOVE, req)))
      .hasRootCauseInstanceOf(ReplyException.class).rootCause()
      .satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(404));

    productApiBack();
    api.addNow(c, p);
    reply = await(app.vertx.eventBus().<JsonObject>request(Addresses.FAVORITES_REMOVE, req)).body();
    assertThat(reply.getBoolean("deleted")).isTrue();
    assertThat(reply.containsKey("cancelledJobId")).isFalse();
    assertThat(api.storedProducts(c)).isEmpty();
  }

  @Test
  @DisplayName("deleting a customer cancels its pending adds: a waiting add gets 404 naming the delete, nothing is stored")
  void customerDeleteCancels() {
    String c = api.newCustomer();
    String p = app.fakeProducts.newProduct().getString("id");
    String jobId = pendingAdd(c, p);
    Future<HttpResponse<Buffer>> waiting = waitingAdd(c, p, jobId);
    assertThat(await(app.http.delete("/v1/customers/" + c).bearerTokenAuthentication(api.admin).send()).statusCode())
      .isEqualTo(204);
    HttpResponse<Buffer> waited = answered(waiting);
    assertProblem(waited, 404); // the customer is gone, and its job with it
    assertThat(waited.bodyAsJsonObject().getString("detail")).contains("deleted").contains("cancelled");
    app.fakeProducts.down(false);
    Eventually.holdsFor(1500, "nothing is stored", () -> api.storedProducts(c).isEmpty());
    assertThat(api.count("SELECT count(*) FROM favorite_jobs WHERE id = $1", UUID.fromString(jobId)))
      .isZero();
  }
}
