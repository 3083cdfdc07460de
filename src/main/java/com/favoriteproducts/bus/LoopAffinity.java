package com.favoriteproducts.bus;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Same-event-loop delivery (BUS_AFFINITY): which node-local address serves an event-bus address on the caller's own
 * event loop.
 *
 * <p>A request sent to a shared address goes round-robin to its consumers; on a node with two event loops, half of the
 * HTTP edge's requests land on the consumer instance of the other loop, and the request and its reply each cross
 * threads (a task queued on the other loop, which may have to be woken up). A consumer instance on an event loop
 * therefore also listens on {@code <address>@<its thread's name>}, a node-local address ({@code localConsumer}), and
 * announces it here once it is registered; the edge sends to the one of its own loop when there is one
 * ({@link #route}), with {@code localOnly}, and to the shared address otherwise or when that one is gone.
 *
 * <p>One registry per Vert.x instance, in its local shared data ({@link #install}, by {@code Nodes.build}); none when
 * BUS_AFFINITY is false, and then every request goes to the shared address. It changes only where a request is
 * delivered on this node: the consumers are the same verticles with the same handlers, a clustered node still serves
 * and reaches the other nodes through the shared addresses, and the bridge and other services use those alone.
 */
public final class LoopAffinity implements Shareable {

  private static final String MAP = "favorite-products.loop-affinity";
  private static final String KEY = "registry";

  /** address → event-loop thread → node-local address served on that loop. */
  private final Map<String, Map<Thread, String>> routes = new ConcurrentHashMap<>();
  /** The event loops that host an instance of the HTTP edge (for {@link #summary}). */
  private final Set<Thread> edges = ConcurrentHashMap.newKeySet();

  private LoopAffinity() {
  }

  /** Turns same-loop delivery on for {@code vertx} (once, before the verticles deploy). */
  public static void install(Vertx vertx) {
    vertx.sharedData().<String, LoopAffinity>getLocalMap(MAP).putIfAbsent(KEY, new LoopAffinity());
  }

  /** The registry of {@code vertx}; null when same-loop delivery is off. */
  public static LoopAffinity of(Vertx vertx) {
    LocalMap<String, LoopAffinity> map = vertx.sharedData().getLocalMap(MAP);
    return map.get(KEY);
  }

  /** What separates an address from the event loop in a same-loop address. */
  private static final String SEPARATOR = "@";
  /** The names Vert.x gives its event-loop threads. */
  private static final String LOOP_PREFIX = "vert.x-eventloop-thread-";

  /** The node-local address that serves {@code address} on the event loop of the current context; null if none. */
  public static String localAddress(String address) {
    Context ctx = Vertx.currentContext();
    return ctx != null && ctx.isEventLoopContext() ? address + SEPARATOR + Thread.currentThread().getName() : null;
  }

  /** The address a same-loop address serves ({@code favorites.list} for {@code favorites.list@vert.x-eventloop-thread-0}); any other as it is. */
  public static String logical(String address) {
    if (address == null) {
      return null;
    }
    int at = address.lastIndexOf(SEPARATOR + LOOP_PREFIX);
    return at < 0 ? address : address.substring(0, at);
  }

  /** Records that a consumer of {@code address} listens on {@code local} on event loop {@code loop}. */
  public void add(String address, String local, Thread loop) {
    routes.computeIfAbsent(address, a -> new ConcurrentHashMap<>()).put(loop, local);
  }

  /** Forgets {@code local} as the same-loop address of {@code address} (a consumer draining, or gone). */
  public void remove(String address, String local) {
    Map<Thread, String> byLoop = routes.get(address);
    if (byLoop != null) {
      byLoop.values().removeIf(local::equals);
    }
  }

  /** The node-local address that serves {@code address} on the calling thread's event loop; null if none. */
  public String route(String address) {
    Map<Thread, String> byLoop = routes.get(address);
    return byLoop == null ? null : byLoop.get(Thread.currentThread());
  }

  /** Called by the HTTP edge on its event loop when it starts: {@link #summary} counts the loops it serves. */
  public void edge() {
    edges.add(Thread.currentThread());
  }

  /** For each address, how many of the edge's event loops have a same-loop consumer: "favorites.get 2/2, ...". */
  public String summary(Collection<String> addresses) {
    StringJoiner out = new StringJoiner(", ");
    for (String address : addresses) {
      Map<Thread, String> byLoop = routes.getOrDefault(address, Map.of());
      long served = edges.stream().filter(byLoop::containsKey).count();
      out.add(address + " " + served + "/" + edges.size());
    }
    return out.toString();
  }
}
