package com.favoriteproducts.fake;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class FaultsTest extends FakeProductsTestBase {

  private final String id = CatalogGenerator.product(SEED, 3).id().toString();

  private long timedGet(String uri) {
    long t0 = System.nanoTime();
    HttpResponse<Buffer> r = get(uri);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.statusCode()).isEqualTo(200);
    return ms;
  }

  @Test
  @DisplayName("no faults by default, and GET /__admin/faults says so")
  void defaults() {
    HttpResponse<Buffer> r = get("/__admin/faults");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("latencyMs", 0).put("failureRate", 0.0).put("down", false));
  }

  @Test
  @DisplayName("latencyMs adds measurable latency to product and page calls, and 0 removes it")
  void latency() {
    timedGet(productUri(id));                                  // warm up
    long baseline = timedGet(productUri(id));
    assertThat(baseline).isLessThan(200);

    assertThat(setFaults(new JsonObject().put("latencyMs", 400)).statusCode()).isEqualTo(200);
    assertThat(timedGet(productUri(id))).isGreaterThanOrEqualTo(400);
    assertThat(timedGet("/api/product/?page=2")).isGreaterThanOrEqualTo(400);

    setFaults(new JsonObject().put("latencyMs", 0));
    assertThat(timedGet(productUri(id))).isLessThan(200);
  }

  @Test
  @DisplayName("delayed calls do not block the server: concurrent calls overlap")
  void latencyDoesNotBlock() {
    setFaults(new JsonObject().put("latencyMs", 300));
    long t0 = System.nanoTime();
    List<io.vertx.core.Future<HttpResponse<Buffer>>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(client.get(productUri(id)).send());
    }
    io.vertx.core.Future.all(calls).await();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(calls).allMatch(f -> f.result().statusCode() == 200);
    assertThat(ms).isBetween(300L, 1_500L);                    // 10 sequential delays would take 3 s
  }

  @Test
  @DisplayName("failureRate 1.0 answers every product call 503; 0 answers none")
  void failureRateAllOrNothing() {
    setFaults(new JsonObject().put("failureRate", 1.0));
    for (int i = 0; i < 20; i++) {
      HttpResponse<Buffer> r = get(i % 2 == 0 ? productUri(id) : "/api/product/?page=1");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("service unavailable");
    }
    setFaults(new JsonObject().put("failureRate", 0));
    for (int i = 0; i < 20; i++) {
      assertThat(get(i % 2 == 0 ? productUri(id) : "/api/product/?page=1").statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("failureRate 0.5 fails about half the calls")
  void failureRateShare() {
    setFaults(new JsonObject().put("failureRate", 0.5));
    int failed = 0;
    for (int i = 0; i < 200; i++) {
      int status = get(productUri(id)).statusCode();
      assertThat(status).isIn(200, 503);
      failed += status == 503 ? 1 : 0;
    }
    assertThat(failed).isBetween(60, 140);
  }

  @Test
  @DisplayName("down refuses every product call with 503; back up answers 200 again")
  void downAndUp() {
    setFaults(new JsonObject().put("down", true));
    assertThat(get(productUri(id)).statusCode()).isEqualTo(503);
    assertThat(get(productUri(UUID.randomUUID())).statusCode()).isEqualTo(503);
    assertThat(get("/api/product/?page=1").statusCode()).isEqualTo(503);
    assertThat(get("/__admin/faults").bodyAsJsonObject().getBoolean("down")).isTrue();

    setFaults(new JsonObject().put("down", false));
    assertThat(get(productUri(id)).statusCode()).isEqualTo(200);
    assertThat(get("/api/product/?page=1").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a partial update changes only the given fields")
  void partialUpdate() {
    setFaults(new JsonObject().put("latencyMs", 25).put("failureRate", 0.25));
    HttpResponse<Buffer> r = setFaults(new JsonObject().put("down", true));
    JsonObject expected = new JsonObject().put("latencyMs", 25).put("failureRate", 0.25).put("down", true);
    assertThat(r.bodyAsJsonObject()).isEqualTo(expected);
    assertThat(get("/__admin/faults").bodyAsJsonObject()).isEqualTo(expected);
  }

  @Test
  @DisplayName("invalid fault values answer 400 with the field, and change nothing")
  void invalidFaults() {
    setFaults(new JsonObject().put("latencyMs", 10));
    List<Object> bad = List.of(
        new JsonObject().put("failureRate", 1.5),
        new JsonObject().put("failureRate", "0.5"),
        new JsonObject().put("latencyMs", -1),
        new JsonObject().put("latencyMs", 1.5),
        new JsonObject().put("down", "yes"),
        new JsonObject().put("latency", 100),
        new JsonObject().put("down", true).put("failureRate", -0.1),
        "not json",
        "[1,2]");
    for (Object body : bad) {
      HttpResponse<Buffer> r = post("/__admin/faults", body);
      assertThat(r.statusCode()).as("%s", body).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getJsonArray("errors")).as("%s", body).isNotEmpty();
    }
    assertThat(post("/__admin/faults", new JsonObject().put("down", "yes")).bodyAsJsonObject()
        .getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("down");
    assertThat(get("/__admin/faults").bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("latencyMs", 10).put("failureRate", 0.0).put("down", false));
  }
}
