package com.favoriteproducts.favorite;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Batches that form by themselves, for one verticle (event-loop confined). Items are handed to the handler
 * together, in order:
 * <ul>
 *   <li>{@link #whileBusy}: at most {@code maxInFlight} batches run at once; an item arriving while that many run
 *   waits and goes with the others that arrived meanwhile (at most {@code maxBatch} per batch). Idle, an item goes at
 *   once, alone: no added latency.</li>
 *   <li>{@link #perTurn}: what is added during one event-loop turn goes together at the start of the next one.</li>
 *   <li>{@link #after}: what is added within {@code delayMs} of the first item goes together then (for work that
 *   is often no longer needed by the time it would run).</li>
 * </ul>
 * Under load a batch costs about what one item did (one statement, one commit, one broker message, one ack).
 * A batcher made with a {@code maxQueued} holds at most that many items waiting: {@link #offer} refuses more.
 */
public final class Batcher<T> {

  private final Context context;
  private final Vertx vertx;
  private final long delayMs;
  private final int maxInFlight;
  private final int maxBatch;
  private final int maxQueued;
  private final Function<List<T>, Future<?>> handler;
  private final List<T> queue = new ArrayList<>();
  private int inFlight;
  private boolean scheduled;

  private Batcher(Context context, Vertx vertx, long delayMs, int maxInFlight, int maxBatch, int maxQueued,
                  Function<List<T>, Future<?>> handler) {
    this.context = context;
    this.vertx = vertx;
    this.delayMs = delayMs;
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
    this.maxQueued = maxQueued;
    this.handler = handler;
  }

  public static <T> Batcher<T> whileBusy(int maxInFlight, int maxBatch, Function<List<T>, Future<?>> handler) {
    return whileBusy(maxInFlight, maxBatch, Integer.MAX_VALUE, handler);
  }

  /** {@link #whileBusy(int, int, Function)} with at most {@code maxQueued} items waiting (see {@link #offer}). */
  public static <T> Batcher<T> whileBusy(int maxInFlight, int maxBatch, int maxQueued,
                                         Function<List<T>, Future<?>> handler) {
    return new Batcher<>(null, null, 0, maxInFlight, maxBatch, maxQueued, handler);
  }

  public static <T> Batcher<T> perTurn(Context context, Function<List<T>, Future<?>> handler) {
    return new Batcher<>(context, null, 0, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, handler);
  }

  /** Call from the verticle's context: the timer runs there. */
  public static <T> Batcher<T> after(Vertx vertx, long delayMs, Function<List<T>, Future<?>> handler) {
    return new Batcher<>(null, vertx, Math.max(1, delayMs), Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
      handler);
  }

  public void add(T item) {
    queue.add(item);
    next();
  }

  /**
   * Adds the item unless {@code maxQueued} items are waiting already (an item that can go at once never waits);
   * false when it was refused.
   */
  public boolean offer(T item) {
    if (queue.size() >= maxQueued && inFlight >= maxInFlight) {
      return false;
    }
    add(item);
    return true;
  }

  /** Items waiting for a batch. */
  public int queued() {
    return queue.size();
  }

  public void addAll(Collection<? extends T> items) {
    queue.addAll(items);
    next();
  }

  private void next() {
    if (vertx != null) {
      if (!scheduled && !queue.isEmpty()) {
        scheduled = true;
        vertx.setTimer(delayMs, t -> {
          scheduled = false;
          drain();
        });
      }
    } else if (context == null) {
      drain();
    } else if (!scheduled && !queue.isEmpty()) {
      scheduled = true;
      context.runOnContext(v -> {
        scheduled = false;
        drain();
      });
    }
  }

  private void drain() {
    while (inFlight < maxInFlight && !queue.isEmpty()) {
      List<T> batch = new ArrayList<>(queue.subList(0, Math.min(maxBatch, queue.size())));
      queue.subList(0, batch.size()).clear();
      inFlight++;
      Future<?> done;
      try {
        done = handler.apply(batch);
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      done.onComplete(ar -> {
        inFlight--;
        drain();
      });
    }
  }
}
