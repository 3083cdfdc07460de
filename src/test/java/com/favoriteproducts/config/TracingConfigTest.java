package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("TracingConfig: OTEL_* keys, on only with an endpoint")
class TracingConfigTest {

  private static TracingConfig of(JsonObject c, Map<String, String> env, Properties sys) {
    return TracingConfig.from(c, env, sys);
  }

  @Test
  @DisplayName("off without an endpoint; the service's defaults (http/protobuf, no metrics or logs exporter)")
  void offByDefault() {
    TracingConfig t = of(new JsonObject().put("OTEL_SERVICE_NAME", "x"), Map.of(), new Properties());
    assertThat(t.enabled()).isFalse();
    assertThat(t.properties()).containsEntry("otel.service.name", "x")
      .containsEntry("otel.exporter.otlp.protocol", "http/protobuf")
      .containsEntry("otel.metrics.exporter", "none").containsEntry("otel.logs.exporter", "none");
  }

  @Test
  @DisplayName("on with OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, from the config, the environment or -Dotel.*")
  void onWithEndpoint() {
    assertThat(of(new JsonObject().put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), Map.of(), new Properties())
      .enabled()).isTrue();
    assertThat(of(new JsonObject().put("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces"), Map.of(),
      new Properties()).enabled()).isTrue();
    assertThat(of(new JsonObject(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), new Properties())
      .enabled()).isTrue();
    Properties sys = new Properties();
    sys.setProperty("otel.exporter.otlp.endpoint", "http://c:4318");
    assertThat(of(new JsonObject(), Map.of(), sys).enabled()).isTrue();
    assertThat(of(new JsonObject().put("OTEL_EXPORTER_OTLP_ENDPOINT", " "), Map.of(), new Properties()).enabled())
      .isFalse();
  }

  @Test
  @DisplayName("OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none win over an endpoint")
  void disabledWins() {
    JsonObject c = new JsonObject().put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318");
    assertThat(of(c.copy().put("OTEL_SDK_DISABLED", "true"), Map.of(), new Properties()).enabled()).isFalse();
    assertThat(of(c.copy(), Map.of("OTEL_SDK_DISABLED", "TRUE"), new Properties()).enabled()).isFalse();
    assertThat(of(c.copy().put("OTEL_TRACES_EXPORTER", "none"), Map.of(), new Properties()).enabled()).isFalse();
    assertThat(of(c.copy().put("OTEL_SDK_DISABLED", "false"), Map.of(), new Properties()).enabled()).isTrue();
  }
}
