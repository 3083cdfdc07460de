package com.favoriteproducts.http;

import com.favoriteproducts.config.HttpConfig;
import com.favoriteproducts.metrics.AppMetrics;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Bounds on the connections of one HTTP verticle instance (event-loop confined), which Vert.x 5.0.7's server options
 * do not offer (they have only an idle timeout, which a client sending a byte now and then never trips):
 * <ul>
 *   <li>HTTP_MAX_CONNECTIONS, counted over every HTTP verticle instance of the node: a connection over it is closed
 *   as soon as it is accepted.</li>
 *   <li>HTTP_HEADER_TIMEOUT_MS: a new connection's first request header must be complete within it; then the client
 *   gets {@code 408 Request Timeout} and the connection is closed.</li>
 *   <li>HTTP_KEEP_ALIVE_TIMEOUT_MS: once the last response on a connection has ended, the next request header must be
 *   complete within it, or the connection is closed (an idle keep-alive connection, or a slow header).</li>
 * </ul>
 * Each closing counts in {@code http.connections.closed{reason}}.
 */
final class ConnectionGuard {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
    + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);

  /**
   * One open connection: its requests not yet answered; whether it waits for a request header, since when and for how
   * long at most; and its timer (-1 when none runs). The timer is not moved per request: when it fires it closes the
   * connection if the wait is over, or sets itself again for what is left of the wait, or stops while a request is
   * being answered (the end of the last answer starts a wait and sets it again). So a busy keep-alive connection
   * costs no timer per request, and a wait still ends exactly at its bound.
   */
  private static final class Open {
    long timer = -1;
    int inFlight;
    boolean waiting;
    boolean firstRequest = true;
    long waitingSinceNanos;
    long waitLimitMs;
  }

  private final Vertx vertx;
  private final HttpConfig cfg;
  private final EdgeLimits limits;
  private final Map<HttpConnection, Open> open = new IdentityHashMap<>();
  private final Counter overLimit;
  private final Counter headerTimeout;
  private final Counter keepAliveTimeout;

  ConnectionGuard(Vertx vertx, HttpConfig cfg, AppMetrics metrics) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.limits = EdgeLimits.of(vertx);
    String name = "http.connections.closed";
    String what = "HTTP connections the service closed, by reason";
    this.overLimit = metrics.counter(name, what, "reason", "over_limit");
    this.headerTimeout = metrics.counter(name, what, "reason", "header_timeout");
    this.keepAliveTimeout = metrics.counter(name, what, "reason", "keep_alive_timeout");
  }

  /** The server's connection handler. */
  void connected(HttpConnection conn) {
    if (!EdgeLimits.tryAcquire(limits.connections, cfg.maxConnections())) {
      overLimit.increment();
      LOG.debug("connection from {} closed: {} connections open (HTTP_MAX_CONNECTIONS)", conn.remoteAddress(),
        cfg.maxConnections());
      conn.close();
      return;
    }
    Open o = new Open();
    open.put(conn, o);
    conn.closeHandler(v -> {
      Open gone = open.remove(conn);
      if (gone != null) {
        vertx.cancelTimer(gone.timer);
        limits.connections.decrementAndGet();
      }
    });
    startWaiting(conn, o, cfg.headerTimeoutMs());
  }

  /** Before the router: a request's header is complete. */
  void request(HttpServerRequest req) {
    Open o = open.get(req.connection());
    if (o != null) {
      o.waiting = false;
      o.firstRequest = false;
      o.inFlight++;
    }
  }

  /** The router's first handler: when the response has ended, the connection waits for its next request. */
  void route(RoutingContext rc) {
    HttpConnection conn = rc.request().connection();
    rc.addEndHandler(ar -> {
      Open o = open.get(conn);
      if (o != null && --o.inFlight == 0) {
        startWaiting(conn, o, cfg.keepAliveTimeoutMs());
      }
    });
    rc.next();
  }

  /** The connection waits for a request header, at most {@code limitMs} from now. */
  private void startWaiting(HttpConnection conn, Open o, long limitMs) {
    o.waiting = true;
    o.waitingSinceNanos = System.nanoTime();
    o.waitLimitMs = limitMs;
    if (o.timer == -1) {
      o.timer = vertx.setTimer(limitMs, t -> check(conn, o));
    }
  }

  private void check(HttpConnection conn, Open o) {
    o.timer = -1;
    if (!o.waiting || open.get(conn) != o) {
      return; // a request is being answered: the end of its answer starts the next wait
    }
    long leftMs = o.waitLimitMs - (System.nanoTime() - o.waitingSinceNanos) / 1_000_000;
    if (leftMs > 0) {
      o.timer = vertx.setTimer(leftMs, t -> check(conn, o));
    } else if (o.firstRequest) {
      headerTimeout.increment();
      LOG.debug("connection from {} closed: no complete request header within {} ms", conn.remoteAddress(),
        o.waitLimitMs);
      requestTimeout(conn);
    } else {
      keepAliveTimeout.increment();
      conn.close();
    }
  }

  /** 408 then close; Vert.x has no request to answer yet, so the bytes go to the socket itself. */
  private static void requestTimeout(HttpConnection conn) {
    if (conn instanceof ConnectionBase base && base.channel().isActive()) {
      base.channel().pipeline().firstContext().writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT))
        .addListener(ChannelFutureListener.CLOSE);
    } else {
      conn.close();
    }
  }
}
