package com.favoriteproducts.http;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.cluster.Nodes;
import com.favoriteproducts.config.DeployConfig;
import com.favoriteproducts.config.MetricsConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.util.Collection;
import java.util.List;

/**
 * The probes and the metrics of a node that runs no {@code http} verticle (a worker): {@code GET /health/live},
 * {@code GET /health/ready} and {@code GET /metrics} on HEALTH_PORT, so an orchestrator can probe it and Prometheus can
 * scrape it like an edge. Deployed by {@code Main} once the node's verticles are up, so the port answers only then.
 * <p>
 * Readiness asks this node's own verticles, never another node's ({@code localOnly}): the customers verticle's
 * PostgreSQL check is required when the node runs it; the job consumer's RabbitMQ state and the product lookups' state
 * are reported and only degrade. A clustered node must also be an active member.
 */
public final class NodeHealthVerticle extends VerticleBase {

  private static final long CHECK_TIMEOUT_MS = 2000;
  private final List<String> roles;
  private HttpServer server;

  /** @param roles the verticles this node runs (VERTICLES) */
  public NodeHealthVerticle(Collection<String> roles) {
    this.roles = List.copyOf(roles);
  }

  @Override
  public Future<?> start() {
    int port = DeployConfig.from(config()).healthPort();
    MetricsConfig metrics = MetricsConfig.from(config());
    Router router = Router.router(vertx);
    router.get("/health/live").handler(rc -> Json.send(rc, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(rc -> ready(rc));
    if (metrics.enabled()) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics.registryName()));
    }
    router.errorHandler(404, rc -> Problems.send(rc, 404, "no such resource: " + rc.request().path()));
    router.errorHandler(405, rc -> Problems.send(rc, 405, rc.request().method() + " is not allowed on " + rc.request().path()));
    return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost(config().getString("HTTP_HOST", "0.0.0.0"))
        .setIdleTimeout(60))
      .requestHandler(router).listen().onSuccess(s -> server = s);
  }

  /** The bound port (tests). */
  public int port() {
    return server.actualPort();
  }

  private void ready(RoutingContext rc) {
    DeliveryOptions local = new DeliveryOptions().setSendTimeout(CHECK_TIMEOUT_MS).setLocalOnly(true);
    Future<String> pg = roles.contains("customers")
      ? vertx.eventBus().request(Addresses.CUSTOMERS_HEALTH, new JsonObject(), local).map(r -> "UP").otherwise("DOWN")
      : Future.succeededFuture(null);
    Future<String> mq = roles.contains("favorites-jobs")
      ? vertx.eventBus().<JsonObject>request(Addresses.JOBS_HEALTH, new JsonObject(), local)
        .map(r -> "UP".equals(r.body().getString("status")) ? "UP" : "DOWN").otherwise(NodeHealthVerticle::downOrAbsent)
      : Future.succeededFuture(null);
    Future<String> products = roles.contains("products")
      ? vertx.eventBus().<JsonObject>request(Addresses.PRODUCTS_HEALTH, new JsonObject(), local)
        .map(r -> r.body().getString("status", "DOWN")).otherwise(NodeHealthVerticle::downOrAbsent)
      : Future.succeededFuture(null);
    Future.join(pg, mq, products).onComplete(ar -> {
      JsonObject checks = new JsonObject();
      boolean ready = pg.result() == null || "UP".equals(pg.result());
      boolean degraded = false;
      if (pg.result() != null) {
        checks.put("postgres", pg.result());
      }
      if (mq.result() != null) {
        checks.put("rabbitmq", mq.result());
        degraded = !"UP".equals(mq.result());
      }
      if (products.result() != null) {
        checks.put("products", products.result());
        degraded = degraded || !"UP".equals(products.result());
      }
      ClusterManager cluster = Nodes.clusterManager(vertx);
      if (cluster != null) {
        boolean member = cluster.isActive();
        checks.put("cluster", member ? "UP" : "DOWN").put("clusterMembers", cluster.getNodes().size());
        ready = ready && member;
      }
      String status = !ready ? "DOWN" : degraded ? "DEGRADED" : "UP";
      Json.send(rc, ready ? 200 : 503, new JsonObject().put("status", status).put("roles", new JsonArray(roles))
        .put("checks", checks));
    });
  }

  private static String downOrAbsent(Throwable err) {
    return err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS ? "ABSENT" : "DOWN";
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
