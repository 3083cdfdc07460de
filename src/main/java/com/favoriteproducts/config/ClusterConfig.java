package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.List;

import static com.favoriteproducts.config.AppConfig.bool;
import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * Clustering (CLUSTER*, EVENTBUS_* keys).
 *
 * @param enabled           CLUSTER: join a Hazelcast cluster
 * @param configFile        CLUSTER_CONFIG: Hazelcast XML (conf/cluster.xml)
 * @param members           CLUSTER_MEMBERS: TCP-IP members to join (comma list)
 * @param name              CLUSTER_NAME: overrides the file's cluster name when set ("" = keep)
 * @param port              CLUSTER_PORT: first Hazelcast port (auto-incremented)
 * @param host              CLUSTER_HOST: the interface Hazelcast binds ("" = its choice)
 * @param multicast         CLUSTER_MULTICAST: multicast join as well
 * @param eventbusHost      EVENTBUS_HOST: the clustered event bus's bind host
 * @param eventbusPort      EVENTBUS_PORT: its port (0 = any free one)
 * @param eventbusPublicHost EVENTBUS_PUBLIC_HOST: the host other nodes reach it at ("" = the bind host)
 */
public record ClusterConfig(boolean enabled, String configFile, List<String> members, String name, int port,
                            String host, boolean multicast, String eventbusHost, int eventbusPort,
                            String eventbusPublicHost) {

  public static ClusterConfig from(JsonObject c) {
    List<String> members = Arrays.stream(str(c, "CLUSTER_MEMBERS", "127.0.0.1").split(","))
      .map(String::trim).filter(s -> !s.isEmpty()).toList();
    return new ClusterConfig(bool(c, "CLUSTER", false), str(c, "CLUSTER_CONFIG", "conf/cluster.xml"), members,
      str(c, "CLUSTER_NAME", ""), integer(c, "CLUSTER_PORT", 5701), str(c, "CLUSTER_HOST", ""),
      bool(c, "CLUSTER_MULTICAST", false), str(c, "EVENTBUS_HOST", "127.0.0.1"), integer(c, "EVENTBUS_PORT", 0),
      str(c, "EVENTBUS_PUBLIC_HOST", ""));
  }
}
