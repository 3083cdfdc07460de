package com.favoriteproducts.fake;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The product API stand-in: one HTTP server per instance, a plain request handler (no router) on the hot path.
 * Settings come from the deployment config (see {@link FakeProductsConfig} for the keys). The catalog, the fault
 * settings and the stats belong to the deployment: every instance of one deployment shares them (so an admin call
 * answered by one instance is seen by all), and two deployments in one Vert.x are independent.
 *
 * <p>Deploy with {@code PORT} 0 to get a free port, then read it with {@link #actualPort()}.
 */
public class FakeProductsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FakeProductsVerticle.class);
  private static final String SHARED_MAP = "fake-products.deployments";

  /** What the instances of one deployment share (with PORT 0 and several instances, also the port they pick). */
  private record State(Catalog catalog, Faults faults, Stats stats,
                       AtomicBoolean portClaimed, CompletableFuture<Integer> sharedPort) implements Shareable {
    State(Catalog catalog, Faults faults, Stats stats) {
      this(catalog, faults, stats, new AtomicBoolean(), new CompletableFuture<>());
    }
  }

  private HttpServer server;
  private volatile int actualPort = -1;

  public FakeProductsVerticle() {
  }

  @Override
  public Future<?> start() {
    FakeProductsConfig cfg;
    try {
      cfg = FakeProductsConfig.from(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    // Built on a worker (a catalog file is read from disk); the first instance builds, the others wait and share.
    return vertx.executeBlocking(() -> sharedState().computeIfAbsent(context.deploymentID(), id -> buildState(cfg)))
        .compose(state -> {
          ProductApi products = new ProductApi(vertx, state.catalog(), state.faults(), state.stats());
          AdminApi admin = cfg.adminEnabled() ? new AdminApi(state.catalog(), state.faults(), state.stats()) : null;
          server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true));
          server.requestHandler(request -> route(request, products, admin));
          return listen(state, cfg.port());
        })
        .onSuccess(s -> actualPort = s.actualPort());
  }

  @Override
  public Future<?> stop() {
    sharedState().remove(context.deploymentID());
    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * Listens on the configured port. PORT 0 with one instance binds a free port directly. With several instances
   * they must share one port, but Vert.x shares servers by the requested port, so port 0 would give each instance
   * its own port (and its negative-port sharing is Vert.x-wide, so two deployments would share one): the first
   * instance picks a free port and all of them listen on it.
   */
  private Future<HttpServer> listen(State state, int port) {
    if (port != 0 || context.getInstanceCount() <= 1) {
      return server.listen(port);
    }
    if (state.portClaimed().compareAndSet(false, true)) {
      vertx.executeBlocking(FakeProductsVerticle::freePort)
          .onComplete(ar -> {
            if (ar.succeeded()) {
              state.sharedPort().complete(ar.result());
            } else {
              state.sharedPort().completeExceptionally(ar.cause());
            }
          });
    }
    return Future.fromCompletionStage(state.sharedPort(), context).compose(server::listen);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The port the server listens on; valid once {@link #start()} has succeeded (useful with PORT 0). */
  public int actualPort() {
    if (actualPort < 0) {
      throw new IllegalStateException("fake-products is not started");
    }
    return actualPort;
  }

  private static void route(HttpServerRequest request, ProductApi products, AdminApi admin) {
    String path = request.path();
    if (path.startsWith(ProductApi.PREFIX)) {
      products.handle(request, path);
    } else if (admin != null && path.startsWith(AdminApi.PREFIX)) {
      admin.handle(request, path);
    } else {
      Responses.send(request.response(), 404, Responses.NOT_FOUND);
    }
  }

  private LocalMap<String, State> sharedState() {
    return vertx.sharedData().getLocalMap(SHARED_MAP);
  }

  private State buildState(FakeProductsConfig cfg) {
    long t0 = System.nanoTime();
    Catalog catalog = cfg.catalogFile() == null
        ? Catalog.generated(cfg.catalogSeed(), cfg.catalogSize())
        : Catalog.fromJson(vertx.fileSystem().readFileBlocking(cfg.catalogFile()));
    LOG.info("catalog of {} products ({}) ready in {} ms; admin routes {}; faults {}",
        catalog.size(),
        cfg.catalogFile() == null ? "seed " + cfg.catalogSeed() : cfg.catalogFile(),
        (System.nanoTime() - t0) / 1_000_000,
        cfg.adminEnabled() ? "enabled" : "disabled",
        cfg.faults());
    return new State(catalog, new Faults(cfg.faults()), new Stats());
  }
}
