package com.favoriteproducts.http;

import com.favoriteproducts.auth.Admission;
import com.favoriteproducts.auth.Denylist;
import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.cluster.Nodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.web.RoutingContext;


/**
 * Liveness (the process answers) and readiness: PostgreSQL (through the customers verticle, wherever it runs) is
 * required; Redis, product lookups (through the products verticle) and RabbitMQ (through a jobs verticle) are
 * reported, and trouble there only degrades the service: rate limits fail open, product lookups bypass the
 * cache or serve last-known copies, adds stay durable in PostgreSQL and are published once RabbitMQ is back
 * (revocation is checked in memory: what the node knows stays enforced). The
 * products check is {@code UP}, {@code DEGRADED} (breaker not closed or its cache down), {@code DOWN} (no answer) or
 * {@code ABSENT} (no node runs the products verticle); the rabbitmq check is {@code UP}, {@code DOWN} or
 * {@code ABSENT} (no node runs a jobs verticle; not a degradation); the ratelimit check is {@code UP} (this
 * instance's Redis connection answers), {@code DOWN} (it does not: requests without a lease in hand pass unchecked, fail
 * open) or {@code DISABLED} (RATE_LIMIT_ENABLED=false; not a degradation). With PG_READ_HOSTS, {@code postgresReplicas}
 * shows each replica as the answering customers instance sees it ({@code {status: UP|LAGGING|DOWN, lagMs}}); one not
 * UP degrades (its reads go to another replica or the primary), never makes the node unready.
 */
final class HealthHandlers {

  private static final long CHECK_TIMEOUT_MS = 2000;
  private final Vertx vertx;
  private final Bus bus;
  private final Denylist denylist;
  private final Admission admission;

  /** Redis is checked through the revocation denylist's client; the rate limit through its own connection. */
  HealthHandlers(Vertx vertx, Bus bus, Denylist denylist, Admission admission) {
    this.vertx = vertx;
    this.bus = bus;
    this.denylist = denylist;
    this.admission = admission;
  }

  void live(RoutingContext rc) {
    Json.send(rc, 200, new JsonObject().put("status", "UP"));
  }

  void ready(RoutingContext rc) {
    DeliveryOptions timeout = new DeliveryOptions().setSendTimeout(CHECK_TIMEOUT_MS);
    Future<JsonObject> pgReply = bus.request(Addresses.CUSTOMERS_HEALTH, new JsonObject(), timeout);
    Future<String> pg = pgReply.map(r -> "UP").otherwise("DOWN");
    Future<String> rd = denylist.ping(CHECK_TIMEOUT_MS).map(r -> "UP").otherwise("DOWN");
    Future<String> products = bus.request(Addresses.PRODUCTS_HEALTH, new JsonObject(), timeout)
      .map(r -> r.getString("status", "DOWN"))
      .otherwise(err -> err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS ? "ABSENT" : "DOWN");
    Future<String> mq = bus.request(Addresses.JOBS_HEALTH, new JsonObject(), timeout)
      .map(r -> "UP".equals(r.getString("status")) ? "UP" : "DOWN").otherwise(err -> err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
        ? "ABSENT" : "DOWN");
    Future<String> limits = admission.config().enabled() ? admission.status(CHECK_TIMEOUT_MS)
      : Future.succeededFuture("DISABLED");
    Future.join(pg, rd, products, mq, limits).onComplete(ar -> {
      JsonObject checks = new JsonObject().put("postgres", pg.result()).put("redis", rd.result())
        .put("products", products.result()).put("rabbitmq", mq.result()).put("ratelimit", limits.result());
      boolean ready = "UP".equals(pg.result());
      JsonObject replicas = pgReply.succeeded() ? pgReply.result().getJsonObject("replicas") : null;
      boolean replicaTrouble = false;
      if (replicas != null) {
        checks.put("postgresReplicas", replicas);
        replicaTrouble = replicas.stream().anyMatch(e -> !(e.getValue() instanceof JsonObject o
          && "UP".equals(o.getString("status"))));
      }
      ClusterManager cluster = Nodes.clusterManager(vertx);
      if (cluster != null) {
        boolean member = cluster.isActive();
        checks.put("cluster", member ? "UP" : "DOWN").put("clusterMembers", cluster.getNodes().size());
        ready = ready && member;
      }
      boolean degraded = !"UP".equals(rd.result()) || !"UP".equals(products.result()) || "DOWN".equals(mq.result())
        || "DOWN".equals(limits.result()) || replicaTrouble;
      String status = !ready ? "DOWN" : degraded ? "DEGRADED" : "UP";
      Json.send(rc, ready ? 200 : 503, new JsonObject().put("status", status).put("checks", checks));
    });
  }
}
