package com.favoriteproducts.bus;

import com.favoriteproducts.cluster.Nodes;
import com.favoriteproducts.config.RuntimeConfig;
import com.favoriteproducts.http.Bus;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("same-event-loop delivery (BUS_AFFINITY): the edge's requests are served on its own event loop")
class LoopAffinityTest {

  private static final String ADDRESS = "test.affinity";
  private Vertx vertx;

  /** A back-end instance: answers with the thread that served the request; keeps its handlers for drain. */
  static final class Echo extends VerticleBase {
    static final Map<Thread, BusHandlers> BY_LOOP = new ConcurrentHashMap<>();

    @Override
    public Future<?> start() {
      BusHandlers handlers = new BusHandlers(vertx, LoggerFactory.getLogger(LoopAffinityTest.class),
        err -> new BusFailure(BusFailure.UNAVAILABLE, "unexpected"))
        .on(ADDRESS, m -> Future.succeededFuture(new JsonObject().put("thread", Thread.currentThread().getName())));
      BY_LOOP.put(Thread.currentThread(), handlers);
      return handlers.ready();
    }
  }

  /** An edge instance: its event-loop context, from which requests are sent as the HTTP edge sends them. */
  static final class Caller extends VerticleBase {
    static final List<Context> CONTEXTS = new CopyOnWriteArrayList<>();

    @Override
    public Future<?> start() {
      CONTEXTS.add(context);
      return Future.succeededFuture();
    }
  }

  @AfterEach
  void close() {
    Echo.BY_LOOP.clear();
    Caller.CONTEXTS.clear();
    if (vertx != null) {
      await(vertx.close());
    }
  }

  private void start(JsonObject config) {
    vertx = await(Nodes.build(config.put("METRICS_ENABLED", false)));
    await(vertx.deployVerticle(Echo::new, new DeploymentOptions().setInstances(2)));
    await(vertx.deployVerticle(Caller::new, new DeploymentOptions().setInstances(2)));
  }

  /** For each caller context: its thread's name → the threads that served its {@code n} requests. */
  private Map<String, List<String>> served(int n) {
    Map<String, List<String>> out = new ConcurrentHashMap<>();
    Bus bus = new Bus(vertx, 5_000);
    for (Context ctx : Caller.CONTEXTS) {
      Promise<Void> done = Promise.promise();
      ctx.runOnContext(v -> {
        String me = Thread.currentThread().getName();
        List<Future<JsonObject>> replies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          replies.add(bus.request(ADDRESS, new JsonObject()));
        }
        Future.all(replies).onComplete(ar -> {
          if (ar.failed()) {
            done.fail(ar.cause());
            return;
          }
          out.put(me, replies.stream().map(f -> f.result().getString("thread")).toList());
          done.complete();
        });
      });
      await(done.future());
    }
    return out;
  }

  @Test
  @DisplayName("on: every request of an edge loop is served by the consumer instance of that loop")
  void sameLoop() {
    start(new JsonObject().put("EVENT_LOOPS", 2));
    Map<String, List<String>> served = served(20);
    assertThat(served).hasSize(2);
    served.forEach((caller, threads) -> assertThat(threads).hasSize(20).containsOnly(caller));
    assertThat(LoopAffinity.of(vertx).summary(List.of(ADDRESS))).isEqualTo(ADDRESS + " 0/0"); // no HTTP edge here
  }

  @Test
  @DisplayName("off (BUS_AFFINITY=false): requests go round-robin to the instances of both loops")
  void off() {
    start(new JsonObject().put("EVENT_LOOPS", 2).put("BUS_AFFINITY", false));
    assertThat(LoopAffinity.of(vertx)).isNull();
    Map<String, List<String>> served = served(20);
    assertThat(served).hasSize(2);
    served.forEach((caller, threads) -> assertThat(Set.copyOf(threads)).hasSize(2));
  }

  @Test
  @DisplayName("a route to a consumer that has gone: the request goes to the shared address, the route is forgotten")
  void staleRoute() {
    start(new JsonObject().put("EVENT_LOOPS", 2));
    Context first = Caller.CONTEXTS.get(0);
    Thread loop = loopOf(first);
    String firstLoop = loop.getName();
    LoopAffinity affinity = LoopAffinity.of(vertx);
    assertThat(onContext(first, () -> affinity.route(ADDRESS))).isEqualTo(ADDRESS + "@" + firstLoop);
    // As if the consumer of that loop had gone without withdrawing its route (a verticle that failed).
    affinity.add(ADDRESS, ADDRESS + "@gone", loop);
    Map<String, List<String>> served = served(10);
    assertThat(served.get(firstLoop)).hasSize(10);
    assertThat(onContext(first, () -> affinity.route(ADDRESS))).isNull();
  }

  /** The event-loop thread of {@code ctx}, as the Echo instance on it recorded it. */
  private static Thread loopOf(Context ctx) {
    String name = onContext(ctx, () -> Thread.currentThread().getName());
    return Echo.BY_LOOP.keySet().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
  }

  private static <T> T onContext(Context ctx, java.util.function.Supplier<T> what) {
    return await(Future.<T>future(p -> ctx.runOnContext(v -> p.complete(what.get()))));
  }

  @Test
  @DisplayName("a drained instance withdraws its route first: its loop's requests are served by the other instance")
  void drained() {
    start(new JsonObject().put("EVENT_LOOPS", 2));
    Context first = Caller.CONTEXTS.get(0);
    Thread loop = loopOf(first);
    String firstLoop = loop.getName();
    // drain runs on the instance's own context (its event loop), as the verticle's stop does
    await(Future.<Void>future(p -> first.runOnContext(v -> Echo.BY_LOOP.get(loop).drain(0).onComplete(ar -> p.complete()))));
    assertThat(onContext(first, () -> LoopAffinity.of(vertx).route(ADDRESS))).isNull();
    Map<String, List<String>> served = served(10);
    assertThat(served.get(firstLoop)).hasSize(10).doesNotContain(firstLoop);
  }

  @Test
  @DisplayName("EVENT_LOOPS sets the event-loop threads (0: one per core with BUS_AFFINITY, else Vert.x's default); a negative value is refused")
  void config() {
    assertThatThrownBy(() -> RuntimeConfig.from(new JsonObject().put("EVENT_LOOPS", -1)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EVENT_LOOPS");
    RuntimeConfig defaults = RuntimeConfig.from(new JsonObject());
    assertThat(defaults.eventLoops()).isZero();
    assertThat(defaults.busAffinity()).isTrue();
    assertThat(defaults.eventLoopThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(RuntimeConfig.from(new JsonObject().put("BUS_AFFINITY", false)).eventLoopThreads())
      .isEqualTo(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
    assertThat(RuntimeConfig.from(new JsonObject().put("EVENT_LOOPS", 5)).eventLoopThreads()).isEqualTo(5);
    vertx = await(Nodes.build(new JsonObject().put("EVENT_LOOPS", 3).put("METRICS_ENABLED", false)));
    await(vertx.deployVerticle(Caller::new, new DeploymentOptions().setInstances(6)));
    Set<String> threads = ConcurrentHashMap.newKeySet();
    for (Context ctx : Caller.CONTEXTS) {
      await(Future.<Void>future(p -> ctx.runOnContext(v -> {
        threads.add(Thread.currentThread().getName());
        p.complete();
      })));
    }
    assertThat(threads).hasSize(3);
  }

  @Test
  @DisplayName("defaults: the service with one instance per core of the edge, customers and favorites serves every edge loop same-loop")
  void defaultsServeEveryEdgeLoop() {
    int cores = Runtime.getRuntime().availableProcessors();
    JsonObject config = TestApp.defaultConfig().put("HTTP_INSTANCES", cores).put("CUSTOMERS_INSTANCES", cores)
      .put("FAVORITES_INSTANCES", cores).put("PG_POOL_SIZE", 1).put("METRICS_ENABLED", false); // 2 connections per instance
    assertThat(config.containsKey("EVENT_LOOPS")).isFalse();
    try (TestApp app = TestApp.start(config)) {
      String summary = LoopAffinity.of(app.vertx)
        .summary(List.of(Addresses.FAVORITES_LIST, Addresses.CUSTOMERS_GET, Addresses.FAVORITES_ADD));
      assertThat(summary).isEqualTo(Addresses.FAVORITES_LIST + " " + cores + "/" + cores + ", "
        + Addresses.CUSTOMERS_GET + " " + cores + "/" + cores + ", " + Addresses.FAVORITES_ADD + " " + cores + "/" + cores);
    }
  }
}
