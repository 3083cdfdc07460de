package com.favoriteproducts.cluster;

import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.bus.LoopAffinity;
import com.favoriteproducts.config.ClusterConfig;
import com.favoriteproducts.config.EventBusTlsConfig;
import com.favoriteproducts.config.MetricsConfig;
import com.favoriteproducts.config.RuntimeConfig;
import com.favoriteproducts.logging.JsonLayout;
import com.favoriteproducts.logging.LogContext;
import com.favoriteproducts.config.TracingConfig;
import com.favoriteproducts.metrics.AppMetrics;
import com.favoriteproducts.tracing.Tracing;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Builds this node's Vert.x: standalone or clustered with Hazelcast, with Prometheus metrics when enabled, and with the
 * event-bus protocol's failure codec registered ({@link BusFailure#registerCodec}), and with OpenTelemetry tracing when
 * an OTLP endpoint is configured ({@link Tracing}).
 */
public final class Nodes {

  private static final Logger LOG = LoggerFactory.getLogger(Nodes.class);
  /** The cluster manager of each clustered Vert.x of this process (tests run several; weak: closed ones go). */
  private static final Map<Vertx, ClusterManager> CLUSTER_MANAGERS = Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * With Kubernetes discovery: how long a starting node looks for other members before it starts a cluster alone
   * (Hazelcast's default, 5 s).
   */
  static final int K8S_JOIN_WAIT_SECONDS = 5;

  private Nodes() {
  }

  public static Future<Vertx> build(JsonObject config) {
    RuntimeConfig runtime;
    try {
      runtime = RuntimeConfig.from(config);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    VertxOptions options = new VertxOptions().setPreferNativeTransport(runtime.nativeTransport())
      .setEventLoopPoolSize(runtime.eventLoopThreads());
    var builder = Vertx.builder();
    MetricsConfig metrics = MetricsConfig.from(config);
    if (metrics.enabled()) {
      options.setMetricsOptions(AppMetrics.vertxOptions(metrics));
      builder.withMetrics(new MicrometerMetricsFactory());
    }
    Tracing tracing;
    try {
      tracing = Tracing.create(TracingConfig.from(config));
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalArgumentException("tracing configuration: " + e.getMessage(), e));
    }
    if (tracing.on()) {
      builder.withTracer(tracing.factory());
    }
    ClusterConfig cluster = ClusterConfig.from(config);
    EventBusTlsConfig tls;
    try {
      tls = EventBusTlsConfig.from(config);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (!tls.ignoredKeys().isEmpty()) {
      LOG.warn("{} set but EVENTBUS_TLS is not true: the clustered event bus is plain TCP", tls.ignoredKeys());
    }
    if (!cluster.enabled()) {
      if (tls.enabled()) {
        LOG.warn("EVENTBUS_TLS=true has no effect without CLUSTER=true (a standalone node's event bus never leaves the JVM)");
      }
      Vertx vertx = builder.with(options).build();
      tracing.register(vertx);
      return Future.succeededFuture(withCodecs(vertx, runtime));
    }
    options.getEventBusOptions().setHost(cluster.eventbusHost()).setPort(cluster.eventbusPort());
    if (!cluster.eventbusPublicHost().isEmpty()) {
      options.getEventBusOptions().setClusterPublicHost(cluster.eventbusPublicHost());
    }
    if (tls.enabled()) {
      mutualTls(options.getEventBusOptions(), tls);
    }
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(cluster));
    return builder.with(options).withClusterManager(manager).buildClustered().map(v -> withCodecs(v, runtime))
      .onSuccess(v -> {
        tracing.register(v);
        CLUSTER_MANAGERS.put(v, manager);
        JsonLayout.clusterJoined(manager.getNodeId());
        LOG.info("joined the cluster as node {}; members: {}", manager.getNodeId(), manager.getNodes());
      })
      .onFailure(err -> tracing.shutdown());
  }

  /**
   * TLS on the clustered event bus with client authentication required, so that in both directions each end proves
   * it holds a key whose certificate the cluster CA signed: a node's event-bus server refuses a connection without
   * such a client certificate, and its client refuses a server whose certificate does not chain to the CA.
   *
   * <p>{@code setTrustAll(false)} matters: EventBusOptions' default is trust-all, which would let this node's client
   * connect (and send requests) to any server that presents any certificate, e.g. a foreign node that registered a
   * consumer on one of our addresses. Host names are not verified: Vert.x 5's clustered event bus turns hostname
   * verification off for its client ({@code setHostnameVerificationAlgorithm("")} in ClusteredEventBus), and pod IPs
   * change anyway; what authenticates a peer is a certificate from the CA dedicated to this cluster (docs/security.md).
   */
  static void mutualTls(EventBusOptions eb, EventBusTlsConfig tls) {
    eb.setSsl(true).setClientAuth(ClientAuth.REQUIRED).setTrustAll(false);
    if (tls.pemIdentity()) {
      eb.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert()).setKeyPath(tls.key()));
    } else {
      eb.setKeyCertOptions(new PfxOptions().setPath(tls.keystore()).setPassword(tls.keystorePassword()));
    }
    if (tls.pemTrust()) {
      eb.setTrustOptions(new PemTrustOptions().addCertPath(tls.ca()));
    } else {
      eb.setTrustOptions(new PfxOptions().setPath(tls.truststore()).setPassword(tls.truststorePassword()));
    }
    LOG.info("clustered event bus: mutual TLS ({} identity {}, trusting {})", tls.pemIdentity() ? "PEM" : "PKCS#12",
      tls.pemIdentity() ? tls.cert() : tls.keystore(), tls.pemTrust() ? tls.ca() : tls.truststore());
  }

  private static Vertx withCodecs(Vertx vertx, RuntimeConfig runtime) {
    BusFailure.registerCodec(vertx);
    LogContext.install(vertx);
    if (runtime.busAffinity()) {
      LoopAffinity.install(vertx);
    }
    return vertx;
  }

  /** The cluster manager of a Vert.x this class built clustered; null for a standalone one. */
  public static ClusterManager clusterManager(Vertx vertx) {
    return CLUSTER_MANAGERS.get(vertx);
  }

  /**
   * conf/cluster.xml (CLUSTER_CONFIG), then the port and the join from the configuration: TCP-IP on CLUSTER_MEMBERS
   * ({@code CLUSTER_DISCOVERY=tcp}, the default) or Kubernetes DNS discovery of CLUSTER_K8S_SERVICE_DNS.
   */
  static Config hazelcastConfig(ClusterConfig cluster) {
    Path file = Path.of(cluster.configFile());
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
    if (!cluster.name().isEmpty()) {
      hz.setClusterName(cluster.name());
    }
    hz.getNetworkConfig().setPort(cluster.port()).setPortAutoIncrement(true);
    if (!cluster.host().isEmpty()) {
      hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(cluster.host());
      hz.setProperty("hazelcast.local.localAddress", cluster.host());
    }
    JoinConfig join = hz.getNetworkConfig().getJoin();
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.discovery() == ClusterConfig.Discovery.KUBERNETES) {
      // DNS lookup mode: the headless Service's A records (publishNotReadyAddresses, so a starting pod is found before
      // it is ready) are the members, each at CLUSTER_K8S_SERVICE_PORT. No Kubernetes API access, no RBAC needed.
      join.getTcpIpConfig().setEnabled(false);
      join.getMulticastConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
        .setProperty("service-dns", cluster.k8sServiceDns())
        .setProperty("service-port", String.valueOf(cluster.k8sServicePort()));
    } else {
      join.getMulticastConfig().setEnabled(cluster.multicast());
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    // TCP-IP: join at once. Kubernetes: Hazelcast's discovery joiner asks the discovery (here DNS) for members only
    // within this wait, so 0 would make every pod a cluster of its own; the first pod of a cluster waits it out.
    hz.setProperty("hazelcast.wait.seconds.before.join",
      cluster.discovery() == ClusterConfig.Discovery.KUBERNETES ? String.valueOf(K8S_JOIN_WAIT_SECONDS) : "0");
    hz.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    return hz;
  }
}
