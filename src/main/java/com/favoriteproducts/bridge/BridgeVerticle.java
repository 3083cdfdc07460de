package com.favoriteproducts.bridge;

import com.favoriteproducts.auth.CachingJwtAuth;
import com.favoriteproducts.auth.Denylist;
import com.favoriteproducts.bridge.Refusal.Code;
import com.favoriteproducts.config.BridgeConfig;
import com.favoriteproducts.config.JwtConfig;
import com.favoriteproducts.config.RedisConfig;
import com.favoriteproducts.config.RevocationConfig;
import com.favoriteproducts.config.ShutdownConfig;
import com.favoriteproducts.metrics.AppMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.auth.jwt.JWTAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The TCP event-bus bridge (docs/bridge.md): services in any language call a subset of the event-bus API and follow
 * their customers' favorite events over a socket, with the stock vertx-tcp-eventbus-bridge wire format.
 *
 * <p>The server side is our own rather than {@code TcpEventBusBridge}: the stock server drops a frame it cannot parse
 * without telling the client, throws on an unknown type, turns client headers into delivery options, buffers whatever
 * length a prefix announces and has no per-socket limits. Here every frame is checked (shape, token, allow-list,
 * limits) before anything reaches the event bus, and every refusal is an err frame ({@link Refusal}).
 *
 * <p>One sweep per instance, every second at most, closes idle sockets and drops registrations whose token expired
 * or was revoked (the Denylist is in memory: no I/O).
 */
public class BridgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeVerticle.class);
  /** Open sockets of all bridge instances of one Vert.x (BRIDGE_MAX_CONNECTIONS is per node). */
  private static final Map<Vertx, AtomicInteger> CONNECTIONS = Collections.synchronizedMap(new WeakHashMap<>());

  /** What the sockets of this instance share. */
  record Shared(Vertx vertx, BridgeConfig config, JWTAuth jwt, Denylist denylist, Map<String, Counter> counters,
                AppMetrics metrics, boolean[] closingFlag) {

    boolean closing() {
      return closingFlag[0];
    }

    /** {@code bridge_frames_total{type, outcome}}: outcome {@code ok}, {@code failed} (the verticle's) or a code. */
    void count(String type, String outcome) {
      counters.computeIfAbsent(type + "/" + outcome, k -> metrics.counter("bridge.frames",
        "Frames received by the bridge, by type and outcome", "type", type, "outcome", outcome)).increment();
    }

    void countEvent() {
      counters.computeIfAbsent("event", k -> metrics.counter("bridge.events",
        "Events the bridge forwarded to registered sockets")).increment();
    }
  }

  private final Set<BridgeSocket> sockets = new LinkedHashSet<>();
  private final boolean[] closing = {false};
  private BridgeConfig cfg;
  private Shared shared;
  private AtomicInteger open;
  private Denylist denylist;
  private NetServer server;
  private long sweepTimer = -1;
  private int leewaySeconds;
  private AppMetrics.Registration gauge = () -> { };

  @Override
  public Future<?> start() {
    cfg = BridgeConfig.from(config());
    JwtConfig jwt = JwtConfig.from(config());
    leewaySeconds = jwt.leewaySeconds();
    denylist = new Denylist(vertx, RedisConfig.from(config()).options(), RevocationConfig.from(config()));
    AppMetrics metrics = AppMetrics.from(config());
    shared = new Shared(vertx, cfg, new CachingJwtAuth(jwt.jwtAuth(vertx), 10_000, leewaySeconds), denylist,
      new HashMap<>(), metrics, closing);
    open = CONNECTIONS.computeIfAbsent(vertx, v -> new AtomicInteger());
    AtomicInteger counted = open;
    gauge = metrics.maxGauge("bridge.connections", "Open bridge sockets on this node", counted::get);
    long sweepMs = Math.max(50, Math.min(1000, cfg.idleTimeoutMs() / 4));
    sweepTimer = vertx.setPeriodic(sweepMs, id -> sweep());
    NetServerOptions options = new NetServerOptions().setHost(cfg.host()).setPort(cfg.port()).setTcpNoDelay(true);
    return denylist.start()
      .compose(v -> vertx.createNetServer(options).connectHandler(this::connected).listen())
      .onSuccess(s -> {
        server = s;
        LOG.debug("bridge listening on {}:{}", cfg.host(), s.actualPort());
      });
  }

  private void connected(NetSocket socket) {
    if (closing[0] || !tryAcquire()) {
      shared.count("socket", Code.TOO_MANY_CONNECTIONS.wire());
      BridgeSocket refused = new BridgeSocket(shared, socket);
      refused.refuseAndClose(new Refusal(Code.TOO_MANY_CONNECTIONS, closing[0] ? "this node is shutting down"
        : cfg.maxConnections() + " bridge sockets are open on this node (BRIDGE_MAX_CONNECTIONS)"), null);
      return;
    }
    BridgeSocket s = new BridgeSocket(shared, socket);
    sockets.add(s);
    socket.closeHandler(v -> {
      s.release();
      if (sockets.remove(s)) {
        open.decrementAndGet();
      }
    });
    socket.exceptionHandler(err -> LOG.debug("bridge socket {}: {}", socket.remoteAddress(), err.toString()));
  }

  private boolean tryAcquire() {
    while (true) {
      int n = open.get();
      if (n >= cfg.maxConnections()) {
        return false;
      }
      if (open.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Idle sockets closed (no frame for BRIDGE_IDLE_TIMEOUT_MS); registrations of expired or revoked tokens dropped. */
  private void sweep() {
    long now = System.nanoTime();
    long nowSeconds = System.currentTimeMillis() / 1000;
    for (BridgeSocket s : sockets.toArray(new BridgeSocket[0])) {
      if (s.closed) {
        continue;
      }
      if ((now - s.lastFrameNanos) / 1_000_000 >= cfg.idleTimeoutMs()) {
        shared.count("socket", Code.IDLE_TIMEOUT.wire());
        s.refuseAndClose(new Refusal(Code.IDLE_TIMEOUT, "no frame for " + cfg.idleTimeoutMs()
          + " ms (BRIDGE_IDLE_TIMEOUT_MS); send a ping to keep a socket open"), null);
      } else {
        s.checkTokens(nowSeconds, leewaySeconds);
      }
    }
  }

  /**
   * Graceful: stop accepting sockets and refuse new frames, let the requests in flight be answered (bounded by
   * SHUTDOWN_TIMEOUT_MS and BRIDGE_REQUEST_TIMEOUT_MS), then close every socket (its registrations go with it).
   */
  @Override
  public Future<?> stop() {
    closing[0] = true;
    if (sweepTimer != -1) {
      vertx.cancelTimer(sweepTimer);
    }
    long bound = Math.min(ShutdownConfig.from(config()).timeoutMs(), cfg.requestTimeoutMs() + 500);
    long deadline = System.nanoTime() + bound * 1_000_000;
    Promise<Void> drained = Promise.promise();
    awaitDrained(drained, deadline);
    return drained.future().compose(v -> {
      List.copyOf(sockets).forEach(BridgeSocket::close);
      return server == null ? Future.succeededFuture() : server.close();
    }).eventually(() -> {
      gauge.remove();
      return denylist == null ? Future.succeededFuture() : denylist.close();
    });
  }

  private void awaitDrained(Promise<Void> drained, long deadline) {
    boolean busy = sockets.stream().anyMatch(s -> !s.closed && s.inFlight > 0);
    if (!busy || System.nanoTime() > deadline) {
      drained.complete();
    } else {
      vertx.setTimer(20, id -> awaitDrained(drained, deadline));
    }
  }
}
