package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * OpenTelemetry tracing: the standard {@code OTEL_*} keys, as the OpenTelemetry SDK's autoconfiguration reads them
 * (https://opentelemetry.io/docs/languages/java/configuration/). Tracing is on only when an OTLP endpoint is set
 * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and OTEL_SDK_DISABLED is not true; off, no SDK
 * is built and no exporter thread runs.
 *
 * <p>{@code properties}: every {@code OTEL_*} key of the configuration (conf/config.json, the environment and
 * {@code -D} properties, as {@link AppConfig} merged them, so tests can set them per app instance), named as the SDK's
 * properties ({@code otel.exporter.otlp.endpoint}), over this service's defaults: service name favorite-products,
 * protocol http/protobuf (the JDK sender speaks HTTP/1.1; the SDK's own default is grpc), and no metrics or logs
 * exporter (metrics are Prometheus', logs are logback's).
 */
public record TracingConfig(boolean enabled, Map<String, String> properties) {

  static final Map<String, String> DEFAULTS = Map.of(
    "otel.service.name", "favorite-products",
    "otel.exporter.otlp.protocol", "http/protobuf",
    "otel.traces.exporter", "otlp",
    "otel.metrics.exporter", "none",
    "otel.logs.exporter", "none");

  public static TracingConfig from(JsonObject c) {
    return from(c, System.getenv(), System.getProperties());
  }

  /**
   * {@code env} and {@code sys}: what the SDK itself would also read (it ranks system properties over the
   * environment over what this record hands it); looked at here only to decide whether tracing is on, so that a
   * lower-case {@code -Dotel.exporter.otlp.endpoint=...} turns it on too.
   */
  static TracingConfig from(JsonObject c, Map<String, String> env, Properties sys) {
    Map<String, String> props = new LinkedHashMap<>(DEFAULTS);
    c.forEach(e -> {
      if (e.getKey().startsWith("OTEL_") && e.getValue() != null && !e.getValue().toString().isBlank()) {
        props.put(e.getKey().toLowerCase(java.util.Locale.ROOT).replace('_', '.'), e.getValue().toString().trim());
      }
    });
    String endpoint = first(props, env, sys, "otel.exporter.otlp.endpoint");
    String traces = first(props, env, sys, "otel.exporter.otlp.traces.endpoint");
    boolean disabled = "true".equalsIgnoreCase(first(props, env, sys, "otel.sdk.disabled"));
    boolean exporter = !"none".equalsIgnoreCase(first(props, env, sys, "otel.traces.exporter"));
    boolean enabled = !disabled && exporter && (endpoint != null || traces != null);
    return new TracingConfig(enabled, Collections.unmodifiableMap(props));
  }

  /** A system property, else an environment variable, else the configuration: the SDK's own order. */
  private static String first(Map<String, String> props, Map<String, String> env, Properties sys, String name) {
    String v = sys.getProperty(name);
    if (v == null || v.isBlank()) {
      v = env.get(name.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
    }
    if (v == null || v.isBlank()) {
      v = props.get(name);
    }
    return v == null || v.isBlank() ? null : v.trim();
  }
}
