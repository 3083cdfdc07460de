package com.favoriteproducts.tracing;

import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.OtlpReceiver;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("tracing: a collector that never answers neither slows nor fails requests")
class TracingCollectorDownTest {

  static final OtlpReceiver hanging = OtlpReceiver.hanging();

  @RegisterExtension
  @Order(1)
  static final TestApp app = TestApp.perClass(c -> c
    .put("OTEL_EXPORTER_OTLP_ENDPOINT", hanging.endpoint())
    .put("OTEL_TRACES_SAMPLER", "always_on")
    .put("OTEL_BSP_SCHEDULE_DELAY", "50")
    .put("OTEL_BSP_MAX_QUEUE_SIZE", "64")
    .put("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "16")
    .put("OTEL_EXPORTER_OTLP_TIMEOUT", "2000"));
  @RegisterExtension
  @Order(2)
  static final FavoritesClient api = FavoritesClient.perClass(app);

  @AfterAll
  static void closeCollector() {
    hanging.close();
  }

  @Test
  @DisplayName("200 concurrent reads (thousands of spans against a queue of 64) all answer 200 within the normal timeouts while the exporter hangs")
  void requestsUnaffected() {
    assertThat(Tracing.of(app.vertx).on()).isTrue();
    String c = api.newCustomer();
    String token = app.customerToken(c);
    long started = System.nanoTime();
    for (int round = 0; round < 4; round++) {
      List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        all.add(app.http.get("/v1/customers/" + c + "/favorites").bearerTokenAuthentication(token)
          .timeout(5_000).send());
      }
      for (Future<HttpResponse<Buffer>> f : all) {
        HttpResponse<Buffer> r = await(f);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      }
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    // the exporter did try the collector (so tracing was exporting, and hanging), and nobody waited for it
    com.favoriteproducts.support.Eventually.until(10_000, "the exporter connected to the collector",
      () -> hanging.connections.get() > 0);
    assertThat(ms).as("200 reads while the collector hangs").isLessThan(20_000);
  }
}
