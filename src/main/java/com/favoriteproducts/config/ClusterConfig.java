package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static com.favoriteproducts.config.AppConfig.bool;
import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * Clustering (CLUSTER*, EVENTBUS_* keys).
 *
 * @param enabled           CLUSTER: join a Hazelcast cluster
 * @param configFile        CLUSTER_CONFIG: Hazelcast XML (conf/cluster.xml)
 * @param members           CLUSTER_MEMBERS: TCP-IP members to join (comma list; with {@code CLUSTER_DISCOVERY=tcp})
 * @param name              CLUSTER_NAME: overrides the file's cluster name when set ("" = keep)
 * @param port              CLUSTER_PORT: first Hazelcast port (auto-incremented)
 * @param host              CLUSTER_HOST: the interface Hazelcast binds ("" = its choice)
 * @param multicast         CLUSTER_MULTICAST: multicast join as well
 * @param eventbusHost      EVENTBUS_HOST: the clustered event bus's bind host
 * @param eventbusPort      EVENTBUS_PORT: its port (0 = any free one)
 * @param eventbusPublicHost EVENTBUS_PUBLIC_HOST: the host other nodes reach it at ("" = the bind host)
 * @param discovery         CLUSTER_DISCOVERY: how members find each other, {@code tcp} (the named CLUSTER_MEMBERS,
 *                          the default) or {@code kubernetes} (Hazelcast's Kubernetes discovery, DNS lookup mode)
 * @param k8sServiceDns     CLUSTER_K8S_SERVICE_DNS: with {@code kubernetes}, the headless Service's DNS name whose
 *                          A records are the members' pod addresses (required then)
 * @param k8sServicePort    CLUSTER_K8S_SERVICE_PORT: with {@code kubernetes}, the Hazelcast port of each address found
 */
public record ClusterConfig(boolean enabled, String configFile, List<String> members, String name, int port,
                            String host, boolean multicast, String eventbusHost, int eventbusPort,
                            String eventbusPublicHost, Discovery discovery, String k8sServiceDns,
                            int k8sServicePort) {

  /** CLUSTER_DISCOVERY values. */
  public enum Discovery {
    /** TCP-IP join on the CLUSTER_MEMBERS list (what compose and a plain host use). */
    TCP,
    /** Hazelcast's built-in Kubernetes discovery, DNS lookup of a headless Service (no API access needed). */
    KUBERNETES;

    static Discovery parse(String raw) {
      String v = raw.trim().toLowerCase(Locale.ROOT);
      return switch (v) {
        case "", "tcp" -> TCP;
        case "kubernetes" -> KUBERNETES;
        default -> throw new IllegalArgumentException("CLUSTER_DISCOVERY must be tcp or kubernetes, got '" + raw + "'");
      };
    }
  }

  public static ClusterConfig from(JsonObject c) {
    List<String> members = Arrays.stream(str(c, "CLUSTER_MEMBERS", "127.0.0.1").split(","))
      .map(String::trim).filter(s -> !s.isEmpty()).toList();
    Discovery discovery = Discovery.parse(str(c, "CLUSTER_DISCOVERY", "tcp"));
    String serviceDns = str(c, "CLUSTER_K8S_SERVICE_DNS", "").trim();
    int servicePort = integer(c, "CLUSTER_K8S_SERVICE_PORT", 5701);
    boolean multicast = bool(c, "CLUSTER_MULTICAST", false);
    if (discovery == Discovery.KUBERNETES) {
      if (serviceDns.isEmpty()) {
        throw new IllegalArgumentException("CLUSTER_DISCOVERY=kubernetes needs CLUSTER_K8S_SERVICE_DNS: the DNS name of"
          + " the headless Service of the cluster's pods (e.g. favorite-products-cluster.<namespace>.svc.cluster.local)");
      }
      if (servicePort < 1 || servicePort > 65535) {
        throw new IllegalArgumentException("CLUSTER_K8S_SERVICE_PORT must be a port (1-65535), got " + servicePort);
      }
      if (multicast) {
        throw new IllegalArgumentException("CLUSTER_MULTICAST=true cannot be combined with CLUSTER_DISCOVERY=kubernetes"
          + " (Hazelcast allows one join method)");
      }
    }
    return new ClusterConfig(bool(c, "CLUSTER", false), str(c, "CLUSTER_CONFIG", "conf/cluster.xml"), members,
      str(c, "CLUSTER_NAME", ""), integer(c, "CLUSTER_PORT", 5701), str(c, "CLUSTER_HOST", ""),
      multicast, str(c, "EVENTBUS_HOST", "127.0.0.1"), integer(c, "EVENTBUS_PORT", 0),
      str(c, "EVENTBUS_PUBLIC_HOST", ""), discovery, serviceDns, servicePort);
  }
}
