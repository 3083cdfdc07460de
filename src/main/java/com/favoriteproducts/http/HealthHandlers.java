package com.favoriteproducts.http;

import com.favoriteproducts.Addresses;
import com.favoriteproducts.cluster.Nodes;
import io.vertx.core.Future;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.RedisAPI;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Liveness (the process answers) and readiness: PostgreSQL (through the customers verticle, wherever it runs) is
 * required; Redis is reported, and its absence only degrades the service (revocation checks fail open, and later
 * the product cache is bypassed).
 */
final class HealthHandlers {

  private static final long CHECK_TIMEOUT_MS = 2000;
  private final Bus bus;
  private final RedisAPI redis;

  HealthHandlers(Bus bus, RedisAPI redis) {
    this.bus = bus;
    this.redis = redis;
  }

  void live(RoutingContext rc) {
    Json.send(rc, 200, new JsonObject().put("status", "UP"));
  }

  void ready(RoutingContext rc) {
    Future<String> pg = bus.request(Addresses.CUSTOMERS_HEALTH, new JsonObject(),
        new DeliveryOptions().setSendTimeout(CHECK_TIMEOUT_MS))
      .map(r -> "UP").otherwise("DOWN");
    Future<String> rd = redis.ping(List.of()).timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .map(r -> "UP").otherwise("DOWN");
    Future.join(pg, rd).onComplete(ar -> {
      JsonObject checks = new JsonObject().put("postgres", pg.result()).put("redis", rd.result());
      boolean ready = "UP".equals(pg.result());
      ClusterManager cluster = Nodes.clusterManager();
      if (cluster != null) {
        boolean member = cluster.isActive();
        checks.put("cluster", member ? "UP" : "DOWN").put("clusterMembers", cluster.getNodes().size());
        ready = ready && member;
      }
      String status = !ready ? "DOWN" : "UP".equals(rd.result()) ? "UP" : "DEGRADED";
      Json.send(rc, ready ? 200 : 503, new JsonObject().put("status", status).put("checks", checks));
    });
  }
}
