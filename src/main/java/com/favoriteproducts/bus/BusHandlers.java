package com.favoriteproducts.bus;

import com.favoriteproducts.logging.LogContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The request-reply consumers of one verticle instance, registered, awaited and drained in one place.
 *
 * <p>A handler returns a future of the reply body (a {@code JsonObject}, or a {@code Buffer} of JSON text where the
 * caller asked for one): success replies with it; a {@link BusFailure} (failed future or thrown) is the reply as it
 * is; a request body of the wrong shape (ClassCastException, IllegalArgumentException thrown by the handler) is a
 * 400; anything else is an unexpected error, logged here and answered with {@code unexpected}'s failure, so callers
 * never wait for a timeout.
 */
public final class BusHandlers {

  private final Vertx vertx;
  private final Logger log;
  private final Function<Throwable, BusFailure> unexpected;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  /** Same-loop delivery's registry (null when BUS_AFFINITY is off) and the routes this instance announced in it. */
  private final LoopAffinity affinity;
  private final Map<String, String> announced = new HashMap<>();
  private boolean draining;
  /** Per address, the last WARN about a dependency being unavailable and how many were left out since (one loop). */
  private final Map<String, long[]> unavailableLogged = new HashMap<>();
  /** A dependency that is down fails every request: one WARN per address per this many ms says it, not one each. */
  static final long UNAVAILABLE_LOG_EVERY_MS = 10_000;

  /** {@code unexpected}: the failure an unexpected error becomes (e.g. 503 "storage unavailable", 409 for 23505). */
  public BusHandlers(Vertx vertx, Logger log, Function<Throwable, BusFailure> unexpected) {
    this.vertx = vertx;
    this.log = log;
    this.unexpected = unexpected;
    this.affinity = LoopAffinity.of(vertx);
  }

  /**
   * Registers {@code handler} on {@code address}; on an event loop with same-loop delivery on ({@link LoopAffinity}),
   * also on the node-local {@code <address>@<thread>}, announced once registered, so that the edge of this loop
   * reaches this instance without crossing threads.
   */
  public BusHandlers on(String address, Function<Message<JsonObject>, Future<?>> handler) {
    consumers.add(vertx.eventBus().<JsonObject>consumer(address, msg -> handle(address, msg, handler)));
    String local = affinity == null ? null : LoopAffinity.localAddress(address);
    if (local != null) {
      Thread loop = Thread.currentThread();
      MessageConsumer<JsonObject> near = vertx.eventBus().localConsumer(local, msg -> handle(address, msg, handler));
      consumers.add(near);
      near.completion().onSuccess(v -> {
        if (!draining) {
          affinity.add(address, local, loop);
          announced.put(address, local);
        }
      });
    }
    return this;
  }

  /** Completes once every consumer is registered (across the cluster when clustered). */
  public Future<Void> ready() {
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  /**
   * First step of a graceful stop: unregisters the consumers (so the cluster stops routing requests here), then waits
   * {@code drainMs} (SHUTDOWN_DRAIN_MS) for requests already on their way or in progress to be answered, before the
   * caller closes its pools and clients.
   */
  public Future<Void> drain(long drainMs) {
    // The same-loop routes first, so that the edge sends to the shared addresses (other instances, other nodes).
    draining = true;
    announced.forEach(affinity::remove);
    announced.clear();
    Future<Void> unregistered = Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
    return drainMs <= 0 ? unregistered : unregistered.compose(v -> vertx.timer(drainMs)).mapEmpty();
  }

  private void handle(String address, Message<JsonObject> msg,
                      Function<Message<JsonObject>, Future<?>> handler) {
    Future<?> result;
    try {
      result = handler.apply(msg);
    } catch (BusFailure e) {
      msg.reply(e);
      return;
    } catch (ClassCastException | IllegalArgumentException e) {
      msg.reply(BusFailure.invalid("malformed request on " + address, "body", String.valueOf(e.getMessage())));
      return;
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    Context messageContext = Vertx.currentContext();
    // A client (e.g. a PostgreSQL pool) may complete on another context: back on the message's, for its log lines.
    result.onComplete(ar -> LogContext.on(messageContext, () -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
        return;
      }
      Throwable err = ar.cause();
      if (err instanceof BusFailure failure) {
        if (log.isDebugEnabled()) {
          // The code only: a failure's detail may quote the request (an email).
          log.debug("{} answered {}", address, failure.code());
        }
        msg.reply(failure);
        return;
      }
      BusFailure failure = unexpected.apply(err);
      logFailure(address, failure, err);
      msg.reply(failure);
    }));
  }

  /**
   * A 503 (a dependency down or too slow: PostgreSQL, a statement timeout) is expected during an outage and fails every
   * request until it ends: logged at WARN, at most once per address per {@link #UNAVAILABLE_LOG_EVERY_MS} with the number
   * left out. Any other 5xx is a fault of the service itself: ERROR, every time.
   */
  private void logFailure(String address, BusFailure failure, Throwable err) {
    if (failure.code() < 500) {
      if (log.isDebugEnabled()) {
        log.debug("{} answered {}", address, failure.code()); // not the detail: it may quote the request (an email)
      }
      return;
    }
    if (failure.code() != BusFailure.UNAVAILABLE) {
      log.error("{} failed", address, err);
      return;
    }
    long now = System.currentTimeMillis();
    long[] last = unavailableLogged.computeIfAbsent(address, a -> new long[] {Long.MIN_VALUE, 0});
    if (now - last[0] < UNAVAILABLE_LOG_EVERY_MS) {
      last[1]++;
      return;
    }
    long leftOut = last[1];
    last[0] = now;
    last[1] = 0;
    log.warn("{} failed: a dependency is unavailable ({} more such failures since the last warning)", address, leftOut,
      err);
  }
}
