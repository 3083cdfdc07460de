package com.favoriteproducts.metrics;

import com.favoriteproducts.config.MetricsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.noop.NoopCounter;
import io.micrometer.core.instrument.noop.NoopDistributionSummary;
import io.micrometer.core.instrument.noop.NoopTimer;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * Our own meters, in the Micrometer registry Vert.x publishes at {@code /metrics}. Create one per verticle instance
 * in {@code start()} ({@link #from}) and build the meters there, once: the hot paths only call {@code increment()} or
 * {@code record()} on meters they hold. Meters of the same name and tags are shared by every instance of a Vert.x.
 *
 * <p>With metrics disabled (METRICS_ENABLED=false, or no registry of that name) every meter is a no-op.
 * See {@code docs/metrics.md} for the meters and what they mean.
 */
public final class AppMetrics {

  /** A registration to undo in the verticle's {@code stop()}. */
  public interface Registration {
    void remove();
  }

  /** A registration of nothing (metrics off, or a gauge not made). */
  public static final Registration NOTHING = () -> { };

  /** The gauges several verticle instances contribute to, per registry (weak: a closed Vert.x leaves nothing here). */
  private static final Map<MeterRegistry, Map<Meter.Id, MaxGauge>> SHARED = new WeakHashMap<>();

  private final MeterRegistry registry;

  private AppMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The registry of the Vert.x this configuration built (see {@link #vertxOptions}), or no-op meters. */
  public static AppMetrics from(JsonObject config) {
    MetricsConfig metrics = MetricsConfig.from(config);
    return new AppMetrics(metrics.enabled() ? BackendRegistries.getNow(metrics.registryName()) : null);
  }

  /**
   * Vert.x's own meters, published for Prometheus: HTTP server meters also by route (the contract's path templates, so
   * few values); not by event-bus address: every job has its own completion address (and replies have one each),
   * which would grow without bound.
   */
  public static MicrometerMetricsOptions vertxOptions(MetricsConfig metrics) {
    return new MicrometerMetricsOptions().setEnabled(true).setRegistryName(metrics.registryName())
      .addLabels(Label.HTTP_ROUTE)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(false));
  }

  /** Meters recorded into this registry (tests). */
  public static AppMetrics of(MeterRegistry registry) {
    return new AppMetrics(registry);
  }

  /** Every meter a no-op. */
  public static AppMetrics disabled() {
    return new AppMetrics(null);
  }

  public boolean enabled() {
    return registry != null;
  }

  /** A counter (exposed as {@code <name>_total}); tags are key, value pairs. */
  public Counter counter(String name, String description, String... tags) {
    if (registry == null) {
      return new NoopCounter(new Meter.Id(name, Tags.of(tags), null, description, Meter.Type.COUNTER));
    }
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  /**
   * A timer without percentiles; {@code buckets} become cumulative {@code le} buckets (service-level objectives),
   * so a histogram_quantile over them is possible without a full percentile histogram.
   */
  public Timer timer(String name, String description, Duration[] buckets, String... tags) {
    if (registry == null) {
      return new NoopTimer(new Meter.Id(name, Tags.of(tags), null, description, Meter.Type.TIMER));
    }
    return Timer.builder(name).description(description).tags(tags).publishPercentileHistogram(false)
      .serviceLevelObjectives(buckets).register(registry);
  }

  /** A distribution of sizes (count, sum, max), with {@code buckets} as cumulative {@code le} buckets. */
  public DistributionSummary summary(String name, String description, double[] buckets, String... tags) {
    if (registry == null) {
      return new NoopDistributionSummary(new Meter.Id(name, Tags.of(tags), null, description,
        Meter.Type.DISTRIBUTION_SUMMARY));
    }
    return DistributionSummary.builder(name).description(description).tags(tags).publishPercentileHistogram(false)
      .serviceLevelObjectives(buckets).register(registry);
  }

  /**
   * Adds a value to a gauge that several verticle instances share (one series per name and tags, whatever the number
   * of instances): the gauge shows the highest current value among the instances registered. {@code value} is read
   * when the registry is scraped, from another thread: it must be thread-safe. Remove it when the instance stops;
   * the gauge goes when its last value does.
   */
  public Registration maxGauge(String name, String description, DoubleSupplier value, String... tags) {
    if (registry == null) {
      return NOTHING;
    }
    Meter.Id id = new Meter.Id(name, Tags.of(tags), null, description, Meter.Type.GAUGE);
    MaxGauge gauge;
    synchronized (SHARED) {
      gauge = SHARED.computeIfAbsent(registry, r -> new HashMap<>()).computeIfAbsent(id, i -> {
        MaxGauge g = new MaxGauge();
        g.meter = Gauge.builder(name, g, MaxGauge::value).description(description).tags(tags).strongReference(true)
          .register(registry);
        return g;
      });
      gauge.values.add(value);
    }
    MaxGauge registered = gauge;
    return () -> {
      synchronized (SHARED) {
        registered.values.remove(value);
        Map<Meter.Id, MaxGauge> gauges = SHARED.get(registry);
        if (registered.values.isEmpty() && gauges != null && gauges.remove(id, registered)) {
          registry.remove(registered.meter);
        }
      }
    };
  }

  private static final class MaxGauge {
    final Set<DoubleSupplier> values = ConcurrentHashMap.newKeySet();
    Meter meter;

    double value() {
      double max = Double.NaN;
      for (DoubleSupplier v : values) {
        double d = v.getAsDouble();
        if (Double.isNaN(max) || d > max) {
          max = d;
        }
      }
      return max;
    }
  }
}
