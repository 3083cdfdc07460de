package com.favoriteproducts.tracing;

import com.favoriteproducts.config.TracingConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * This node's OpenTelemetry tracing: the SDK built from {@link TracingConfig} (OTEL_* keys), handed to Vert.x as its
 * tracer ({@link #factory()}: HTTP server requests, event-bus sends and requests, SQL and Redis clients), and the
 * helpers the job worker uses to carry a trace through RabbitMQ message headers.
 *
 * <p>Off ({@link #OFF}, no endpoint configured) nothing is built: {@link #current()} is the root context, headers are
 * neither written nor read, spans are no-ops.
 *
 * <p>The active span inside Vert.x code is OpenTelemetry's {@link Context#current()}: vertx-opentelemetry installs a
 * {@code ContextStorageProvider} that keeps it as a local of the current (duplicated) Vert.x context, where the tracer
 * put the server or consumer span of the request being handled.
 */
public final class Tracing {

  private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);
  private static final Map<Vertx, Tracing> BY_VERTX = Collections.synchronizedMap(new WeakHashMap<>());
  /** Instrumentation scope of this service's own spans (the job worker's). */
  static final String SCOPE = "com.favoriteproducts";

  /** Tracing off. */
  public static final Tracing OFF = new Tracing(null);

  private final OpenTelemetrySdk sdk;
  private final OpenTelemetry otel;
  private final Tracer tracer;
  private final TextMapPropagator propagator;

  private Tracing(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
    this.otel = sdk == null ? OpenTelemetry.noop() : sdk;
    this.tracer = otel.getTracer(SCOPE);
    this.propagator = otel.getPropagators().getTextMapPropagator();
  }

  /**
   * Builds the SDK when the configuration turns tracing on (not registered as the global one: tests run several
   * nodes in one JVM), else {@link #OFF}.
   */
  public static Tracing create(TracingConfig cfg) {
    if (!cfg.enabled()) {
      return OFF;
    }
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
      .addPropertiesSupplier(cfg::properties)
      .disableShutdownHook() // shut down with Vert.x (see register), after the last spans
      .build()
      .getOpenTelemetrySdk();
    LOG.info("tracing on: OTLP {} to {} (service {})", cfg.properties().get("otel.exporter.otlp.protocol"),
      cfg.properties().getOrDefault("otel.exporter.otlp.traces.endpoint",
        cfg.properties().getOrDefault("otel.exporter.otlp.endpoint", "the environment's endpoint")),
      cfg.properties().get("otel.service.name"));
    return new Tracing(sdk);
  }

  public boolean on() {
    return sdk != null;
  }

  /**
   * Vert.x's tracer over this SDK, with event-bus spans named by their logical address
   * ({@link LogicalAddressTracer}); only when {@link #on()}.
   */
  public VertxTracerFactory factory() {
    return LogicalAddressTracer.factory(new OpenTelemetryTracingFactory(otel));
  }

  /**
   * Makes this the tracing of {@code vertx} ({@link #of}) and shuts the SDK down when Vert.x closes: the spans still
   * queued are exported (bounded by OTEL_EXPORTER_OTLP_TIMEOUT), never waited for beyond that.
   */
  public void register(Vertx vertx) {
    if (sdk == null) {
      return;
    }
    BY_VERTX.put(vertx, this);
    ((VertxInternal) vertx).addCloseHook(completion -> sdk.shutdown().whenComplete(() -> completion.succeed()));
  }

  /** The tracing of a Vert.x built by {@code Nodes.build}; {@link #OFF} for any other. */
  public static Tracing of(Vertx vertx) {
    return vertx == null ? OFF : BY_VERTX.getOrDefault(vertx, OFF);
  }

  public Tracer tracer() {
    return tracer;
  }

  /** The active OpenTelemetry context (the root one when off or outside any traced request). */
  public Context current() {
    return sdk == null ? Context.root() : Context.current();
  }

  /**
   * The W3C trace context headers ({@code traceparent}, {@code tracestate}) of {@code ctx}, or null when it has no
   * valid span (tracing off, or nothing traced): then a message carries no trace header at all.
   */
  public Map<String, Object> headers(Context ctx) {
    if (sdk == null || ctx == null || !Span.fromContext(ctx).getSpanContext().isValid()) {
      return null;
    }
    Map<String, Object> out = new HashMap<>(4);
    propagator.inject(ctx, out, SETTER);
    return out.isEmpty() ? null : out;
  }

  /** The context carried by {@code headers} (written by {@link #headers}); root when none or tracing off. */
  public Context extract(Map<String, ?> headers) {
    if (sdk == null || headers == null || headers.isEmpty()) {
      return Context.root();
    }
    return propagator.extract(Context.root(), headers, GETTER);
  }

  /** Shuts the SDK down without waiting (a Vert.x that failed to build). */
  public void shutdown() {
    if (sdk != null) {
      sdk.shutdown();
    }
  }

  private static final TextMapSetter<Map<String, Object>> SETTER = (carrier, key, value) -> {
    if (carrier != null) {
      carrier.put(key, value);
    }
  };

  /** AMQP header values arrive as the client's LongString: any value's text. */
  private static final TextMapGetter<Map<String, ?>> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, ?> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, ?> carrier, String key) {
      Object v = carrier == null ? null : carrier.get(key);
      return v == null ? null : v.toString();
    }
  };
}
