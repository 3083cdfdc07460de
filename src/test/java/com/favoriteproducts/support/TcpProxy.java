package com.favoriteproducts.support;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.favoriteproducts.support.TestApp.await;

/**
 * A TCP forwarder in front of a real service, to cut it off and bring it back without touching the service itself
 * (other test runs share it): {@link #stop()} closes the listener and every forwarded connection, as a broker node
 * lost with its host would look to a client (connections reset, the address refusing new ones). RabbitFailoverTest
 * puts one in front of the machine's RabbitMQ as the first of two addresses.
 */
public final class TcpProxy implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetClient client = vertx.createNetClient();
  private final List<NetSocket> open = new CopyOnWriteArrayList<>();
  private final int port;
  private final String targetHost;
  private final int targetPort;
  private NetServer server;
  private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();

  public TcpProxy(int port, String targetHost, int targetPort) {
    this.port = port;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  public void start() {
    server = vertx.createNetServer().connectHandler(in -> {
      in.pause();
      client.connect(targetPort, targetHost).onSuccess(out -> {
        accepted.incrementAndGet();
        open.add(in);
        open.add(out);
        in.pipeTo(out);
        out.pipeTo(in);
        in.resume();
      }).onFailure(err -> in.close());
    });
    await(server.listen(port, "127.0.0.1"));
  }

  /** Connections forwarded so far. */
  public int accepted() {
    return accepted.get();
  }

  public int port() {
    return port;
  }

  public void stop() {
    if (server != null) {
      await(server.close());
      server = null;
    }
    for (NetSocket s : open) {
      s.close();
    }
    open.clear();
  }

  @Override
  public void close() {
    stop();
    await(vertx.close());
  }
}
