package com.favoriteproducts.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

/**
 * Lets the HTTP verticles prepare (load the contract, build the router: most of their start-up) while the schema is
 * migrated and the back-end verticles deploy, and open the port only once those are up: {@code Main} opens a gate
 * before deploying, the HTTP verticles wait on it just before listening, {@code Main} passes it when the back-ends are
 * deployed (or fails it when they fail). Without a gate (an HTTP verticle deployed on its own) they listen at once.
 */
public final class StartGate implements Shareable {

  private static final String MAP = "fp.http.start-gate";
  private final Promise<Void> promise = Promise.promise();

  private StartGate() {
  }

  /** A new gate for this Vert.x instance, replacing any earlier one. */
  public static StartGate open(Vertx vertx) {
    StartGate gate = new StartGate();
    vertx.sharedData().<String, StartGate>getLocalMap(MAP).put("gate", gate);
    return gate;
  }

  public void pass() {
    promise.tryComplete();
  }

  public void fail(Throwable err) {
    promise.tryFail(err);
  }

  /** Completes on the caller's context when the gate is passed (at once when there is none). */
  static Future<Void> awaited(Vertx vertx) {
    LocalMap<String, StartGate> m = vertx.sharedData().getLocalMap(MAP);
    StartGate gate = m.get("gate");
    if (gate == null) {
      return Future.succeededFuture();
    }
    if (gate.promise.future().isComplete()) {
      return gate.promise.future();
    }
    Context ctx = vertx.getOrCreateContext();
    Promise<Void> here = Promise.promise();
    gate.promise.future().onComplete(ar -> ctx.runOnContext(v -> here.handle(ar)));
    return here.future();
  }

  @Override
  public Shareable copy() {
    return this;
  }
}
