package com.favoriteproducts.product;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Runs at most {@code max} asynchronous tasks at a time; the others wait in line (FIFO), at most {@code maxWaiting} of
 * them: a task over that is refused at once with {@link Full}, never queued. Used from one event loop (a verticle
 * instance's), so it needs no locking.
 */
final class ConcurrencyLimit {

  /** The line is full: the task was not run. Cheap (no stack trace): it is an answer under load, not a bug. */
  static final class Full extends RuntimeException {
    Full(int waiting) {
      super(waiting + " tasks are waiting already", null, false, false);
    }
  }

  private final int max;
  private final int maxWaiting;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;
  private boolean draining;

  ConcurrencyLimit(int max) {
    this(max, Integer.MAX_VALUE);
  }

  ConcurrencyLimit(int max, int maxWaiting) {
    this.max = max;
    this.maxWaiting = maxWaiting;
  }

  static boolean isFull(Throwable t) {
    return t instanceof Full;
  }

  <T> Future<T> run(Supplier<Future<T>> task) {
    if (running >= max && waiting.size() >= maxWaiting) {
      return Future.failedFuture(new Full(waiting.size()));
    }
    Promise<T> result = Promise.promise();
    Runnable start = () -> {
      running++;
      Future<T> f;
      try {
        f = task.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        running--;
        result.handle(ar);
        drain();
      });
    };
    waiting.add(start);
    drain();
    return result.future();
  }

  /** Starts waiting tasks while there is room; a loop, not recursion, since tasks may complete synchronously. */
  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      while (running < max && !waiting.isEmpty()) {
        waiting.poll().run();
      }
    } finally {
      draining = false;
    }
  }

  int running() {
    return running;
  }

  int waiting() {
    return waiting.size();
  }
}
