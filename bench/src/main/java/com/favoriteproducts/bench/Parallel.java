package com.favoriteproducts.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.IntFunction;

/**
 * Runs {@code n} asynchronous tasks with at most {@code concurrency} in flight, all on one event-loop context, so
 * tasks may update plain counters without locks. A failed task does not stop the others: tasks record their own
 * outcome.
 */
final class Parallel {

  private Parallel() {
  }

  static Future<Void> run(Vertx vertx, int n, int concurrency, IntFunction<Future<?>> task) {
    Promise<Void> done = Promise.promise();
    Context ctx = vertx.getOrCreateContext();
    ctx.runOnContext(v -> new Runner(n, Math.max(1, concurrency), task, done).start());
    return done.future();
  }

  private static final class Runner {
    private final int n;
    private final int concurrency;
    private final IntFunction<Future<?>> task;
    private final Promise<Void> done;
    private int next;
    private int active;

    Runner(int n, int concurrency, IntFunction<Future<?>> task, Promise<Void> done) {
      this.n = n;
      this.concurrency = concurrency;
      this.task = task;
      this.done = done;
    }

    void start() {
      if (n == 0) {
        done.complete();
        return;
      }
      int k = Math.min(concurrency, n);
      active = k;
      for (int i = 0; i < k; i++) {
        launch();
      }
    }

    private void launch() {
      if (next >= n) {
        if (--active == 0) {
          done.tryComplete();
        }
        return;
      }
      int i = next++;
      Future<?> f;
      try {
        f = task.apply(i);
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> launch());
    }
  }
}
