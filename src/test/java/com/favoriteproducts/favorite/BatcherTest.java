package com.favoriteproducts.favorite;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Batcher: batches that form by themselves")
@ExtendWith(VertxExtension.class)
class BatcherTest {

  static Vertx vertx;

  /** The class's Vert.x, from VertxExtension (which closes it after the last test). */
  @BeforeAll
  static void start(Vertx classVertx) {
    vertx = classVertx;
  }

  /** Runs the body on one event-loop context and waits for it. */
  private static <T> T onContext(java.util.function.Function<Context, T> body) throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<T> out = new CompletableFuture<>();
    context.runOnContext(v -> out.complete(body.apply(context)));
    return out.get(5, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("whileBusy: idle, the first item goes alone at once; what arrives meanwhile waits, in order, at most"
    + " maxBatch per batch and maxInFlight batches at once")
  void whileBusy() throws Exception {
    List<List<Integer>> batches = new ArrayList<>();
    List<Promise<Void>> running = new ArrayList<>();
    Batcher<Integer> b = onContext(c -> {
      Batcher<Integer> x = Batcher.whileBusy(2, 3, items -> {
        batches.add(items);
        Promise<Void> p = Promise.promise();
        running.add(p);
        return p.future();
      });
      for (int i = 1; i <= 9; i++) {
        x.add(i);
      }
      return x;
    });
    assertThat(batches).containsExactly(List.of(1), List.of(2)); // two in flight, 3..9 wait
    onContext(c -> {
      running.get(0).complete();
      return null;
    });
    assertThat(batches).containsExactly(List.of(1), List.of(2), List.of(3, 4, 5));
    onContext(c -> {
      running.get(1).complete();
      running.get(2).complete();
      return null;
    });
    assertThat(batches).containsExactly(List.of(1), List.of(2), List.of(3, 4, 5), List.of(6, 7, 8), List.of(9));
    assertThat(b).isNotNull();
  }

  @Test
  @DisplayName("whileBusy: a handler that throws or fails does not stop the next batches")
  void failuresDoNotStall() throws Exception {
    List<List<Integer>> batches = new ArrayList<>();
    onContext(c -> {
      Batcher<Integer> x = Batcher.whileBusy(1, 10, items -> {
        batches.add(items);
        if (items.contains(1)) {
          throw new IllegalStateException("boom");
        }
        return Future.failedFuture("no");
      });
      x.add(1);
      x.add(2);
      return x;
    });
    assertThat(batches).containsExactly(List.of(1), List.of(2));
  }

  @Test
  @DisplayName("perTurn: what is added during one event-loop turn is handed over together on the next turn")
  @Timeout(value = 5, timeUnit = TimeUnit.SECONDS)
  void perTurn(VertxTestContext test) {
    List<List<String>> batches = new ArrayList<>();
    Context c = vertx.getOrCreateContext();
    c.runOnContext(start -> test.verify(() -> {
      Batcher<String> x = Batcher.perTurn(c, items -> {
        batches.add(items);
        return Future.succeededFuture();
      });
      x.add("a");
      x.addAll(List.of("b", "c"));
      assertThat(batches).isEmpty(); // nothing during the turn itself
      c.runOnContext(v -> {
        x.add("d");
        c.runOnContext(w -> test.verify(() -> {
          assertThat(batches).containsExactly(List.of("a", "b", "c"), List.of("d"));
          test.completeNow();
        }));
      });
    }));
  }

  @Test
  @DisplayName("after: what is added within the delay of the first item is handed over together once it is over, not before")
  @Timeout(value = 5, timeUnit = TimeUnit.SECONDS)
  void after(VertxTestContext test) {
    List<List<String>> batches = new ArrayList<>();
    List<Long> handedAt = new ArrayList<>();
    long[] firstAdded = new long[1];
    vertx.getOrCreateContext().runOnContext(start -> test.verify(() -> {
      Batcher<String> x = Batcher.after(vertx, 200, items -> {
        batches.add(items);
        handedAt.add(System.nanoTime());
        if (batches.size() == 2) {
          test.verify(() -> {
            assertThat(batches).containsExactly(List.of("a", "b", "c"), List.of("d"));
            assertThat(TimeUnit.NANOSECONDS.toMillis(handedAt.get(0) - firstAdded[0])).isGreaterThanOrEqualTo(190);
            test.completeNow();
          });
        }
        return Future.succeededFuture();
      });
      firstAdded[0] = System.nanoTime();
      x.add("a");
      vertx.setTimer(50, t -> {
        x.addAll(List.of("b", "c"));
        vertx.setTimer(300, u -> x.add("d")); // after the first batch went: a batch of its own
      });
    }));
  }

  @Test
  @DisplayName("whileBusy with maxQueued: items that can go at once always do; past maxQueued waiting, offer refuses")
  void boundedQueue() throws Exception {
    List<List<Integer>> batches = new ArrayList<>();
    List<Promise<Void>> running = new ArrayList<>();
    List<Boolean> offered = onContext(c -> {
      Batcher<Integer> x = Batcher.whileBusy(1, 10, 2, items -> {
        batches.add(items);
        Promise<Void> p = Promise.promise();
        running.add(p);
        return p.future();
      });
      List<Boolean> out = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        out.add(x.offer(i));
      }
      running.get(0).complete();
      out.add(x.offer(5));
      return out;
    });
    assertThat(offered).containsExactly(true, true, true, false, true);
    assertThat(batches).containsExactly(List.of(1), List.of(2, 3));
  }
}
