package com.favoriteproducts.cluster;

import com.favoriteproducts.config.ClusterConfig;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.NodeProcess;
import com.favoriteproducts.support.TestApp;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Cluster discovery: TCP-IP by default, Hazelcast's Kubernetes DNS discovery with CLUSTER_DISCOVERY=kubernetes")
class KubernetesDiscoveryTest {

  @Test
  @DisplayName("tcp (default): TCP-IP join on CLUSTER_MEMBERS, multicast, auto-detection and Kubernetes off")
  void tcpJoin() {
    Config hz = Nodes.hazelcastConfig(ClusterConfig.from(new JsonObject().put("CLUSTER", true)
      .put("CLUSTER_MEMBERS", "http1,http2,worker").put("CLUSTER_PORT", 5801)));
    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("http1", "http2", "worker");
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(hz.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(hz.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");
    join.verify(); // Hazelcast's own check: exactly one join method
  }

  @Test
  @DisplayName("kubernetes: Hazelcast's Kubernetes discovery in DNS lookup mode (service-dns, service-port), TCP-IP and multicast off")
  void kubernetesJoin() {
    Config hz = Nodes.hazelcastConfig(ClusterConfig.from(new JsonObject().put("CLUSTER", true)
      .put("CLUSTER_DISCOVERY", "kubernetes").put("CLUSTER_HOST", "10.1.2.3")
      .put("CLUSTER_K8S_SERVICE_DNS", "favorite-products-cluster.shop.svc.cluster.local")));
    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperties())
      .containsEntry("service-dns", "favorite-products-cluster.shop.svc.cluster.local")
      .containsEntry("service-port", "5701")
      .doesNotContainKeys("namespace", "service-name", "service-label-name"); // API mode keys: not used
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(hz.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.1.2.3");
    // Hazelcast's discovery joiner consults the discovery only within this wait: 0 (the TCP-IP setting) would make
    // every pod a cluster of its own (dnsDiscoveryFormsACluster fails with 0)
    assertThat(hz.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("5");
    join.verify();
  }

  @Test
  @DisplayName("two nodes with CLUSTER_DISCOVERY=kubernetes find each other by DNS (service-dns localhost -> 127.0.0.1) and talk over the event bus")
  void dnsDiscoveryFormsACluster() {
    int first = TestApp.freePort();
    int second = TestApp.freePort();
    JsonObject config = new JsonObject().put("CLUSTER", true)
      .put("CLUSTER_NAME", "fp-k8s-" + UUID.randomUUID().toString().substring(0, 8))
      .put("CLUSTER_DISCOVERY", "kubernetes").put("CLUSTER_K8S_SERVICE_DNS", "localhost")
      // every pod of the headless Service listens on the same port; here the first node's is the one found by DNS
      .put("CLUSTER_K8S_SERVICE_PORT", first).put("CLUSTER_HOST", "127.0.0.1")
      .put("EVENTBUS_HOST", "127.0.0.1").put("METRICS_ENABLED", false);
    Vertx a = await(Nodes.build(config.copy().put("CLUSTER_PORT", first)));
    try {
      Vertx b = await(Nodes.build(config.copy().put("CLUSTER_PORT", second)));
      try {
        Eventually.until(20_000, "both nodes see 2 members", () ->
          Nodes.clusterManager(a).getNodes().size() == 2 && Nodes.clusterManager(b).getNodes().size() == 2);
        String address = "test.k8s." + UUID.randomUUID();
        await(a.eventBus().<String>consumer(address, m -> m.reply("pong " + m.body())).completion());
        Eventually.until(10_000, "a request from b is answered by a", () -> {
          try {
            return "pong ping".equals(b.eventBus().<String>request(address, "ping").await(2, TimeUnit.SECONDS).body());
          } catch (Exception e) {
            return false;
          }
        });
      } finally {
        await(b.close());
      }
    } finally {
      await(a.close());
    }
  }

  @Test
  @DisplayName("start-up refuses CLUSTER_DISCOVERY=kubernetes without CLUSTER_K8S_SERVICE_DNS: exit 2 and a message naming the key")
  void refusedAtStartUp() {
    try (NodeProcess node = NodeProcess.start("k8s-discovery-refused", new JsonObject().put("CLUSTER", "true")
      .put("CLUSTER_DISCOVERY", "kubernetes").put("API_TOKEN", TestApp.API_TOKEN)
      .put("JWT_SECRET", "k8s-discovery-test-secret-" + UUID.randomUUID()), TestApp.freePort())) {
      Eventually.until(30_000, "the node exits", () -> !node.isAlive());
      assertThat(node.terminate(Duration.ofSeconds(5))).isEqualTo(2);
      assertThat(node.output()).contains("bad configuration: CLUSTER_DISCOVERY=kubernetes needs CLUSTER_K8S_SERVICE_DNS")
        .doesNotContain("favorite-products started");
    }
  }
}
