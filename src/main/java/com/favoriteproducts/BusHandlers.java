package com.favoriteproducts;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;

import java.util.List;
import java.util.function.Function;

/**
 * Registers request-reply consumers whose handlers return a {@code Future<JsonObject>}: success replies with the
 * object (null means the handler already answered), a {@link DomainException} fails with its code, anything else is
 * mapped by {@code unexpected} (logged there) so callers never wait for a timeout.
 */
public final class BusHandlers {

  private BusHandlers() {
  }

  /**
   * First step of a graceful stop: unregisters the consumers (so the cluster stops routing requests here), then
   * waits {@code SHUTDOWN_DRAIN_MS} (default 1 s when clustered, 0 alone) for requests already on their way or in
   * progress to be answered, before the caller closes its pools and clients.
   */
  public static Future<Void> drain(io.vertx.core.Vertx vertx, List<MessageConsumer<JsonObject>> consumers,
                                   JsonObject config) {
    boolean clustered = com.favoriteproducts.config.AppConfig.bool(config, "CLUSTER", false);
    long drainMs = com.favoriteproducts.config.AppConfig.longValue(config, "SHUTDOWN_DRAIN_MS", clustered ? 1000 : 0);
    Future<Void> unregistered = Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
    return drainMs <= 0 ? unregistered : unregistered.compose(v -> vertx.timer(drainMs)).mapEmpty();
  }

  public static void register(EventBus bus, List<MessageConsumer<JsonObject>> consumers, String address, Logger log,
                              Function<Message<JsonObject>, Future<JsonObject>> handler,
                              Function<Throwable, DomainException> unexpected) {
    consumers.add(bus.<JsonObject>consumer(address, msg -> {
      Future<JsonObject> result;
      try {
        result = handler.apply(msg);
      } catch (ClassCastException | IllegalArgumentException e) {
        Failures.invalid(msg, "malformed request on " + address, "body", String.valueOf(e.getMessage()));
        return;
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          if (ar.result() != null) {
            msg.reply(ar.result());
          }
          return;
        }
        Throwable err = ar.cause();
        DomainException de = err instanceof DomainException d ? d : unexpected.apply(err);
        if (de.code() >= 500) {
          log.error("{} failed", address, err);
        }
        msg.fail(de.code(), de.getMessage());
      });
    }));
  }
}
