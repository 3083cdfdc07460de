package com.favoriteproducts.tracing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.favoriteproducts.http.HttpVerticle;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.LogCapture;
import com.favoriteproducts.support.OtlpReceiver;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.slf4j.LoggerFactory;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("tracing: one add is one trace, from the HTTP request over the event bus and RabbitMQ to the job")
class TracingTest {

  static final OtlpReceiver otlp = OtlpReceiver.start();

  @RegisterExtension
  @Order(1)
  static final TestApp app = TestApp.perClass(c -> c
    .put("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint())
    .put("OTEL_SERVICE_NAME", "favorite-products-test")
    .put("OTEL_BSP_SCHEDULE_DELAY", "100")
    .put("JOBS_RETRY_DELAYS_MS", "200,400").put("JOBS_SWEEP_INTERVAL_MS", 500)
    .put("PRODUCTS_BREAKER_RESET_MS", 300)
    // one loop per instance: the edge's requests take the same-loop addresses (LoopAffinity), and their spans must
    // still name the address the request is for
    .put("EVENT_LOOPS", Runtime.getRuntime().availableProcessors()));
  @RegisterExtension
  @Order(2)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  @AfterAll
  static void closeReceiver() {
    otlp.close();
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] |= 1; // never all zeros (invalid)
    return HexFormat.of().formatHex(b);
  }

  private HttpResponse<Buffer> add(String customer, String product, String traceparent) {
    var r = app.http.post("/v1/customers/" + customer + "/favorites").bearerTokenAuthentication(app.customerToken(customer));
    if (traceparent != null) {
      r.putHeader("traceparent", traceparent);
    }
    return await(r.sendJsonObject(new JsonObject().put("productId", product)));
  }

  /** The job spans of a job, by attempt, once {@code attempts} of them are exported. */
  private List<OtlpReceiver.Received> jobSpans(String jobId, int attempts) {
    Eventually.until(10_000, attempts + " job span(s) of job " + jobId + " exported",
      () -> otlp.withAttr("favorites.job.id", jobId).size() >= attempts);
    return otlp.withAttr("favorites.job.id", jobId).stream()
      .sorted(java.util.Comparator.comparing(s -> Integer.parseInt(s.attr("favorites.job.attempt")))).toList();
  }

  /** Every span of the trace leads up to {@code root} through parents that are in the trace. */
  private static void assertOneTree(List<OtlpReceiver.Received> trace, OtlpReceiver.Received root) {
    Map<String, OtlpReceiver.Received> byId = trace.stream()
      .collect(Collectors.toMap(OtlpReceiver.Received::spanId, Function.identity(), (a, b) -> a));
    for (OtlpReceiver.Received s : trace) {
      OtlpReceiver.Received at = s;
      int hops = 0;
      while (at != root && hops++ < 100) {
        at = byId.get(at.parentSpanId());
        assertThat(at).as("the parent of a span on the way from " + s.name() + " to the HTTP server span").isNotNull();
      }
    }
  }

  @Test
  @DisplayName("an add with a traceparent: the edge's HTTP server span, the event-bus spans and the job's consumer span share its trace id")
  void addWithTraceparent() {
    String traceId = hex(16);
    String parent = hex(8);
    String c = api.newCustomer();
    String p = app.fakeProducts.newProduct().getString("id");
    HttpResponse<Buffer> r = add(c, p, "00-" + traceId + "-" + parent + "-01");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    String jobId = r.bodyAsJsonObject().getString("jobId");
    Eventually.until(10_000, "the job is done", () -> "done".equals(api.jobStatus(jobId)));
    assertThat(api.storedProducts(c)).containsExactly(p);

    OtlpReceiver.Received job = jobSpans(jobId, 1).get(0);
    assertThat(job.traceId()).as(otlp.spans().stream().map(s -> s.name() + " " + s.kind() + " " + s.traceId().substring(0, 6) + " " + s.spanId().substring(0, 4) + "<" + s.parentSpanId() + " " + s.attributes()).collect(Collectors.joining("\n"))).isEqualTo(traceId);
    assertThat(job.kind()).isEqualTo("SPAN_KIND_CONSUMER");
    assertThat(job.attr("messaging.system")).isEqualTo("rabbitmq");
    assertThat(job.attr("favorites.job.attempt")).isEqualTo("1");
    assertThat(job.service()).isEqualTo("favorite-products-test");
    assertThat(job.statusCode()).isNotEqualTo("STATUS_CODE_ERROR");

    Eventually.until(10_000, "the add's HTTP server span exported", () -> otlp.trace(traceId).stream()
      .anyMatch(s -> s.kind().equals("SPAN_KIND_SERVER") && s.parentSpanId().equals(parent)));
    List<OtlpReceiver.Received> trace = otlp.trace(traceId);
    OtlpReceiver.Received edge = trace.stream()
      .filter(s -> s.kind().equals("SPAN_KIND_SERVER") && s.parentSpanId().equals(parent)).findFirst().orElseThrow();
    assertThat(edge.name()).isEqualTo("POST");
    Set<String> busAddresses = trace.stream().filter(s -> "vertx-eventbus".equals(s.attr("messaging.system")))
      .map(s -> s.attr("messaging.destination.name")).collect(Collectors.toSet());
    // the edge's request to the favorites verticle, the job's lookup of its product
    assertThat(busAddresses).as(trace.toString()).contains("favorites.add", "products.getMany");
    // both sides of the add's request on the bus
    assertThat(trace.stream().filter(s -> "favorites.add".equals(s.attr("messaging.destination.name")))
      .map(OtlpReceiver.Received::kind)).contains("SPAN_KIND_CLIENT", "SPAN_KIND_SERVER");
    // the job's own work (its product lookup on the bus, its SQL) are children of the job span
    assertThat(trace.stream().filter(s -> s.parentSpanId().equals(job.spanId()))
      .map(s -> s.attr("messaging.destination.name") != null ? s.attr("messaging.destination.name") : s.attr("db.system")))
      .as(trace.toString()).contains("products.getMany", "postgresql");
    assertOneTree(trace, edge);
  }

  @Test
  @DisplayName("an add without a traceparent starts a new trace at the edge, which the job continues")
  void addStartsTrace() {
    String c = api.newCustomer();
    String p = app.fakeProducts.newProduct().getString("id");
    HttpResponse<Buffer> r = add(c, p, null);
    assertThat(r.statusCode()).isEqualTo(202);
    String jobId = r.bodyAsJsonObject().getString("jobId");
    Eventually.until(10_000, "the job is done", () -> "done".equals(api.jobStatus(jobId)));
    OtlpReceiver.Received job = jobSpans(jobId, 1).get(0);
    Eventually.until(10_000, "the trace's root exported", () -> otlp.trace(job.traceId()).stream()
      .anyMatch(s -> s.kind().equals("SPAN_KIND_SERVER") && s.parentSpanId().isEmpty()));
    List<OtlpReceiver.Received> trace = otlp.trace(job.traceId());
    OtlpReceiver.Received root = trace.stream().filter(s -> s.parentSpanId().isEmpty()).findFirst().orElseThrow();
    assertThat(root.name()).isEqualTo("POST");
    assertOneTree(trace, root);
  }

  @Test
  @DisplayName("a job retried while the product API is down: every attempt is a span of the add's trace, each the child of the one before")
  void retriesInOneTrace() {
    String traceId = hex(16);
    String c = api.newCustomer();
    String p = app.fakeProducts.newProduct().getString("id");
    app.fakeProducts.down(true);
    String jobId;
    try {
      HttpResponse<Buffer> r = add(c, p, "00-" + traceId + "-" + hex(8) + "-01");
      assertThat(r.statusCode()).isEqualTo(202);
      jobId = r.bodyAsJsonObject().getString("jobId");
      String id = jobId;
      Eventually.until(10_000, "a failed attempt", () -> api.job(id).getInteger("attempts") >= 1);
    } finally {
      app.fakeProducts.down(false);
    }
    String id = jobId;
    Eventually.until(15_000, "the job is done", () -> "done".equals(api.jobStatus(id)));
    int attempts = api.job(jobId).getInteger("attempts");
    assertThat(attempts).isGreaterThanOrEqualTo(2);
    List<OtlpReceiver.Received> spans = jobSpans(jobId, attempts);
    assertThat(spans).extracting(OtlpReceiver.Received::traceId).containsOnly(traceId);
    assertThat(spans.get(0).statusCode()).isEqualTo("STATUS_CODE_ERROR");
    assertThat(spans.get(0).attr("favorites.job.outcome")).isEqualTo("retry");
    for (int i = 1; i < spans.size(); i++) {
      assertThat(spans.get(i).parentSpanId()).isEqualTo(spans.get(i - 1).spanId());
    }
    assertThat(spans.get(spans.size() - 1).statusCode()).isNotEqualTo("STATUS_CODE_ERROR");
  }

  @Test
  @DisplayName("LOG_FORMAT=json: the edge's end-of-request line carries the request's trace id and its server span id, though that span has ended")
  void requestLineCarriesTrace() {
    Logger edgeLog = (Logger) LoggerFactory.getLogger(HttpVerticle.class);
    Level before = edgeLog.getLevel();
    LogCapture capture = new LogCapture();
    capture.setContext(edgeLog.getLoggerContext());
    capture.start();
    edgeLog.addAppender(capture);
    edgeLog.setLevel(Level.DEBUG);
    String traceId = hex(16);
    String parent = hex(8);
    String requestId = "trace-log-" + UUID.randomUUID();
    Predicate<JsonObject> endLine = j -> requestId.equals(j.getString("requestId"))
      && j.getString("message").contains(" answered ");
    try {
      String c = api.newCustomer();
      HttpResponse<Buffer> r = await(app.http.get("/v1/customers/" + c + "/favorites")
        .bearerTokenAuthentication(app.customerToken(c)).putHeader("traceparent", "00-" + traceId + "-" + parent + "-01")
        .putHeader("X-Request-Id", requestId).send());
      assertThat(r.statusCode()).isEqualTo(200);
      Eventually.until(5_000, "the request's end-of-request line", () -> capture.lines.stream().map(JsonObject::new)
        .anyMatch(endLine));
    } finally {
      edgeLog.detachAppender(capture);
      edgeLog.setLevel(before);
    }
    JsonObject line = capture.lines.stream().map(JsonObject::new).filter(endLine).findFirst().orElseThrow();
    Eventually.until(10_000, "the request's HTTP server span exported", () -> otlp.trace(traceId).stream()
      .anyMatch(s -> s.kind().equals("SPAN_KIND_SERVER") && s.parentSpanId().equals(parent)));
    OtlpReceiver.Received server = otlp.trace(traceId).stream()
      .filter(s -> s.kind().equals("SPAN_KIND_SERVER") && s.parentSpanId().equals(parent)).findFirst().orElseThrow();
    assertThat(line.getString("traceId")).as(line.encode()).isEqualTo(traceId);
    assertThat(line.getString("spanId")).as(line.encode()).isEqualTo(server.spanId());
  }
}
