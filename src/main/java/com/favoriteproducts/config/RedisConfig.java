package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * Redis settings (REDIS_* keys). REDIS_MODE {@code standalone} (the default: REDIS_HOST/REDIS_PORT/REDIS_DB) or
 * {@code cluster}: REDIS_NODES, a comma list of {@code host:port} seeds the cluster client learns the slot map from
 * (REDIS_HOST/REDIS_PORT are then unused, and REDIS_DB must be 0: a Redis Cluster has only database 0). Commands go
 * to masters only ({@link RedisReplicas#NEVER}): a replica may lag, and a revocation or a rate-limit debit read from
 * a lagging replica would be wrong.
 */
public record RedisConfig(String host, int port, String password, int db, boolean cluster, List<String> nodes) {

  public RedisConfig {
    nodes = List.copyOf(nodes);
  }

  /** Without the password (a record's own toString would print it into any log line that names this). */
  @Override
  public String toString() {
    return "RedisConfig[" + (cluster ? "cluster " + nodes : host + ":" + port + "/" + db) + ", password "
      + (password.isEmpty() ? "none" : "set") + "]";
  }

  public static RedisConfig from(JsonObject c) {
    String mode = str(c, "REDIS_MODE", "standalone").toLowerCase(java.util.Locale.ROOT);
    if (!mode.equals("standalone") && !mode.equals("cluster")) {
      throw new IllegalArgumentException("REDIS_MODE must be standalone or cluster, got '" + mode + "'");
    }
    boolean cluster = mode.equals("cluster");
    List<String> nodes = new ArrayList<>();
    for (String n : str(c, "REDIS_NODES", "").split(",")) {
      String node = n.trim();
      if (node.isEmpty()) {
        continue;
      }
      int colon = node.lastIndexOf(':');
      if (colon <= 0 || colon == node.length() - 1 || !node.substring(colon + 1).chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("REDIS_NODES must be a comma list of host:port, got '" + node + "'");
      }
      nodes.add(node);
    }
    int db = integer(c, "REDIS_DB", 0);
    if (cluster && nodes.isEmpty()) {
      throw new IllegalArgumentException("REDIS_MODE=cluster needs REDIS_NODES (a comma list of host:port seeds)");
    }
    if (cluster && db != 0) {
      throw new IllegalArgumentException("REDIS_DB must be 0 with REDIS_MODE=cluster (a Redis Cluster has only"
        + " database 0), got " + db);
    }
    return new RedisConfig(str(c, "REDIS_HOST", "127.0.0.1"), integer(c, "REDIS_PORT", 6379), str(c, "REDIS_PASSWORD", ""),
      db, cluster, nodes);
  }

  public String connectionString() {
    return "redis://" + auth() + host + ":" + port + "/" + db;
  }

  private String auth() {
    return password.isEmpty() ? "" : ":" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@";
  }

  public RedisOptions options() {
    RedisOptions o = new RedisOptions().setMaxPoolSize(8).setMaxPoolWaiting(4096).setMaxWaitingHandlers(4096);
    if (!cluster) {
      return o.setConnectionString(connectionString());
    }
    o.setType(RedisClientType.CLUSTER).setUseReplicas(RedisReplicas.NEVER);
    for (String node : nodes) {
      o.addConnectionString("redis://" + auth() + node);
    }
    return o;
  }
}
