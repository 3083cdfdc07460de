package com.favoriteproducts;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeoutException;

/**
 * {@code Future.timeout} with the timer on the caller's event loop.
 *
 * <p>Vert.x 5.0.7's {@code Future#timeout} schedules its timer on the future's context, and on Netty's
 * {@code GlobalEventExecutor} (one shared thread) when the future has none, as the futures of a Redis connection's
 * {@code send} and a plain {@code Promise.promise()} do: every call then hands a task to that thread and wakes it
 * (profiled: about 4% of the event loops' time on a read path with one Redis call per request), and a timeout fires
 * (and its callbacks run) on that thread instead of the caller's event loop. Here the timer is an ordinary Vert.x
 * timer of the calling context, set and cancelled on its own thread.
 */
public final class Deadlines {

  private Deadlines() {
  }

  /** Fails with a {@link TimeoutException} (no stack trace) when {@code f} is not complete within {@code ms}. */
  public static <T> Future<T> within(Vertx vertx, Future<T> f, long ms) {
    if (f.isComplete()) {
      return f;
    }
    Promise<T> p = Promise.promise();
    long timer = vertx.setTimer(ms, id -> p.tryFail(new Expired(ms)));
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        p.tryComplete(ar.result());
      } else {
        p.tryFail(ar.cause());
      }
    });
    return p.future();
  }

  /** The deadline passed. */
  public static final class Expired extends TimeoutException {
    Expired(long ms) {
      super("Timeout " + ms + " (ms) fired");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
