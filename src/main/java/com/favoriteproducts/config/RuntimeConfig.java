package com.favoriteproducts.config;

import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

import static com.favoriteproducts.config.AppConfig.bool;
import static com.favoriteproducts.config.AppConfig.integer;

/**
 * How the Vert.x instance itself runs.
 *
 * @param nativeTransport NATIVE_TRANSPORT: use Netty's native epoll transport when it is available (Linux x86_64;
 *                        elsewhere, or when it fails to load, Vert.x falls back to NIO and says so at start)
 * @param eventLoops      EVENT_LOOPS: the event-loop threads of this node as configured; 0 (the default) means
 *                        automatic: {@link #eventLoopThreads()}
 * @param busAffinity     BUS_AFFINITY: same-event-loop delivery of the edge's event-bus requests
 *                        ({@link com.favoriteproducts.bus.LoopAffinity}); default true
 */
public record RuntimeConfig(boolean nativeTransport, int eventLoops, boolean busAffinity) {

  public static RuntimeConfig from(JsonObject c) {
    int loops = integer(c, "EVENT_LOOPS", 0);
    if (loops < 0) {
      throw new IllegalArgumentException("configuration EVENT_LOOPS must be 0 (Vert.x's default) or more, got " + loops);
    }
    return new RuntimeConfig(bool(c, "NATIVE_TRANSPORT", true), loops, bool(c, "BUS_AFFINITY", true));
  }

  /**
   * The event-loop threads the node runs: EVENT_LOOPS when set; otherwise, with same-loop delivery, one per core (as
   * many as the default instances of the HTTP edge and of the customers and favorites verticles, so each edge loop
   * hosts one of each and every request stays on its loop); without it, Vert.x's default (twice the cores). With twice
   * the cores the edge and the customers verticle landed on different loops and only the lists stayed on theirs
   * (docs/event-bus.md, "Same-loop delivery", for the measurements).
   */
  public int eventLoopThreads() {
    if (eventLoops > 0) {
      return eventLoops;
    }
    return busAffinity ? Runtime.getRuntime().availableProcessors() : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
  }
}
