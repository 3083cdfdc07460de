package com.favoriteproducts.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static com.favoriteproducts.config.AppConfig.bool;
import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.str;

/** Builds this node's Vert.x: standalone or clustered with Hazelcast, with Prometheus metrics when enabled. */
public final class Nodes {

  private static final Logger LOG = LoggerFactory.getLogger(Nodes.class);
  private static volatile ClusterManager clusterManager;

  private Nodes() {
  }

  public static boolean metricsEnabled(JsonObject config) {
    return bool(config, "METRICS_ENABLED", true);
  }

  /** The Micrometer registry of this Vert.x instance (one per instance, so several can share a JVM in tests). */
  public static String registryName(JsonObject config) {
    return str(config, "METRICS_REGISTRY", "favorite-products");
  }

  public static Future<Vertx> build(JsonObject config) {
    VertxOptions options = new VertxOptions();
    var builder = Vertx.builder();
    if (metricsEnabled(config)) {
      // HTTP server meters also by route (the contract's path templates, so few values); not the event-bus address:
      // every job has its own completion address (and replies have one each), which would grow without bound.
      options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setRegistryName(registryName(config))
        .addLabels(Label.HTTP_ROUTE)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(false)));
      builder.withMetrics(new MicrometerMetricsFactory());
    }
    if (!bool(config, "CLUSTER", false)) {
      return Future.succeededFuture(builder.with(options).build());
    }
    options.getEventBusOptions().setHost(str(config, "EVENTBUS_HOST", "127.0.0.1"))
      .setPort(integer(config, "EVENTBUS_PORT", 0));
    String publicHost = str(config, "EVENTBUS_PUBLIC_HOST", "");
    if (!publicHost.isEmpty()) {
      options.getEventBusOptions().setClusterPublicHost(publicHost);
    }
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(config));
    clusterManager = manager;
    return builder.with(options).withClusterManager(manager).buildClustered()
      .onSuccess(v -> LOG.info("joined the cluster as node {}; members: {}", manager.getNodeId(), manager.getNodes()));
  }

  /** The cluster manager of this process when clustered, else null. */
  public static ClusterManager clusterManager() {
    return clusterManager;
  }

  /** conf/cluster.xml (CLUSTER_CONFIG), then the members and port from the configuration. */
  static Config hazelcastConfig(JsonObject config) {
    Path file = Path.of(str(config, "CLUSTER_CONFIG", "conf/cluster.xml"));
    Config hz;
    if (Files.exists(file)) {
      try {
        hz = new XmlConfigBuilder(file.toString()).build();
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
      }
    } else {
      LOG.warn("{} not found: using vertx-hazelcast's default configuration with TCP-IP join", file);
      hz = ConfigUtil.loadConfig();
    }
    List<String> members = Arrays.stream(str(config, "CLUSTER_MEMBERS", "127.0.0.1").split(","))
      .map(String::trim).filter(s -> !s.isEmpty()).toList();
    String name = str(config, "CLUSTER_NAME", "");
    if (!name.isEmpty()) {
      hz.setClusterName(name);
    }
    hz.getNetworkConfig().setPort(integer(config, "CLUSTER_PORT", 5701)).setPortAutoIncrement(true);
    String clusterHost = str(config, "CLUSTER_HOST", "");
    if (!clusterHost.isEmpty()) {
      hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(clusterHost);
      hz.setProperty("hazelcast.local.localAddress", clusterHost);
    }
    JoinConfig join = hz.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(bool(config, "CLUSTER_MULTICAST", false));
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    return hz;
  }
}
