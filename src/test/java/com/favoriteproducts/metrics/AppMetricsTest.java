package com.favoriteproducts.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("AppMetrics")
class AppMetricsTest {

  @Test
  @DisplayName("disabled, or with no registry of that name: every meter is a no-op")
  void disabled() {
    for (AppMetrics m : new AppMetrics[] {AppMetrics.disabled(),
      AppMetrics.from(new JsonObject().put("METRICS_ENABLED", false)),
      AppMetrics.from(new JsonObject().put("METRICS_REGISTRY", "no-such-registry-" + System.nanoTime()))}) {
      assertThat(m.enabled()).isFalse();
      m.counter("a.counter", "d", "k", "v").increment();
      m.timer("a.timer", "d", new Duration[] {Duration.ofSeconds(1)}, "k", "v").record(Duration.ofMillis(5));
      m.maxGauge("a.gauge", "d", () -> 1.0, "k", "v").remove();
    }
  }

  @Test
  @DisplayName("instances on one registry share a counter by name and tags")
  void sharedCounters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AppMetrics one = AppMetrics.of(registry);
    AppMetrics two = AppMetrics.of(registry);
    one.counter("jobs", "d", "outcome", "done").increment();
    two.counter("jobs", "d", "outcome", "done").increment(2);
    two.counter("jobs", "d", "outcome", "failed").increment();
    assertThat(registry.get("jobs").tag("outcome", "done").counter().count()).isEqualTo(3.0);
    assertThat(registry.get("jobs").tag("outcome", "failed").counter().count()).isEqualTo(1.0);
  }

  @Test
  @DisplayName("a shared gauge shows the highest value of the instances registered; it goes with the last one")
  void maxGauge() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger a = new AtomicInteger(0);
    AtomicInteger b = new AtomicInteger(0);
    AppMetrics.Registration ra = AppMetrics.of(registry).maxGauge("state", "d", a::get, "breaker", "x");
    AppMetrics.Registration rb = AppMetrics.of(registry).maxGauge("state", "d", b::get, "breaker", "x");
    Gauge gauge = registry.get("state").tag("breaker", "x").gauge();
    assertThat(registry.find("state").gauges()).hasSize(1);
    assertThat(gauge.value()).isEqualTo(0.0);
    b.set(2);
    assertThat(gauge.value()).isEqualTo(2.0);
    a.set(1);
    assertThat(gauge.value()).isEqualTo(2.0);
    rb.remove();
    assertThat(gauge.value()).isEqualTo(1.0);
    rb.remove(); // twice is harmless
    assertThat(registry.find("state").gauges()).hasSize(1);
    ra.remove();
    assertThat(registry.find("state").gauges()).isEmpty();

    // registered again after that: a new gauge
    AppMetrics.Registration again = AppMetrics.of(registry).maxGauge("state", "d", () -> 2.0, "breaker", "x");
    assertThat(registry.get("state").tag("breaker", "x").gauge().value()).isEqualTo(2.0);
    again.remove();
  }
}
