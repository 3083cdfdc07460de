package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("CLUSTER_DISCOVERY and its CLUSTER_K8S_* keys")
class ClusterConfigTest {

  @Test
  @DisplayName("default: tcp on CLUSTER_MEMBERS, no service DNS, service port 5701")
  void defaults() {
    ClusterConfig c = ClusterConfig.from(new JsonObject().put("CLUSTER_MEMBERS", "a, b"));
    assertThat(c.discovery()).isEqualTo(ClusterConfig.Discovery.TCP);
    assertThat(c.members()).containsExactly("a", "b");
    assertThat(c.k8sServiceDns()).isEmpty();
    assertThat(c.k8sServicePort()).isEqualTo(5701);
    assertThat(ClusterConfig.from(new JsonObject().put("CLUSTER_DISCOVERY", "TCP")).discovery())
      .isEqualTo(ClusterConfig.Discovery.TCP);
  }

  @Test
  @DisplayName("kubernetes with a service DNS name and port (case-insensitive value, spaces trimmed)")
  void kubernetes() {
    ClusterConfig c = ClusterConfig.from(new JsonObject().put("CLUSTER_DISCOVERY", " Kubernetes ")
      .put("CLUSTER_K8S_SERVICE_DNS", " favorite-products-cluster.shop.svc.cluster.local ")
      .put("CLUSTER_K8S_SERVICE_PORT", "5702"));
    assertThat(c.discovery()).isEqualTo(ClusterConfig.Discovery.KUBERNETES);
    assertThat(c.k8sServiceDns()).isEqualTo("favorite-products-cluster.shop.svc.cluster.local");
    assertThat(c.k8sServicePort()).isEqualTo(5702);
  }

  @Test
  @DisplayName("an unknown discovery, kubernetes without a service DNS name, a bad port or multicast too: refused, naming the key")
  void invalid() {
    assertThatThrownBy(() -> ClusterConfig.from(new JsonObject().put("CLUSTER_DISCOVERY", "multicast")))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("CLUSTER_DISCOVERY must be tcp or kubernetes, got 'multicast'");
    assertThatThrownBy(() -> ClusterConfig.from(new JsonObject().put("CLUSTER_DISCOVERY", "kubernetes")))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageStartingWith("CLUSTER_DISCOVERY=kubernetes needs CLUSTER_K8S_SERVICE_DNS");
    assertThatThrownBy(() -> ClusterConfig.from(new JsonObject().put("CLUSTER_DISCOVERY", "kubernetes")
      .put("CLUSTER_K8S_SERVICE_DNS", "  ")))
      .hasMessageStartingWith("CLUSTER_DISCOVERY=kubernetes needs CLUSTER_K8S_SERVICE_DNS");
    JsonObject k8s = new JsonObject().put("CLUSTER_DISCOVERY", "kubernetes").put("CLUSTER_K8S_SERVICE_DNS", "svc");
    assertThatThrownBy(() -> ClusterConfig.from(k8s.copy().put("CLUSTER_K8S_SERVICE_PORT", 0)))
      .hasMessageContaining("CLUSTER_K8S_SERVICE_PORT");
    assertThatThrownBy(() -> ClusterConfig.from(k8s.copy().put("CLUSTER_K8S_SERVICE_PORT", "x")))
      .hasMessageContaining("CLUSTER_K8S_SERVICE_PORT");
    assertThatThrownBy(() -> ClusterConfig.from(k8s.copy().put("CLUSTER_MULTICAST", true)))
      .hasMessageContaining("CLUSTER_MULTICAST");
  }
}
