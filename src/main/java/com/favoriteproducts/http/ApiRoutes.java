package com.favoriteproducts.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Binds each contract operation (by operationId) to its {@link Operation}'s handler. The router would answer 503 for
 * an operation without a handler and only log a warning; here a missing (or unknown) handler stops the edge starting.
 */
public final class ApiRoutes {

  private ApiRoutes() {
  }

  /** Operation ids of the contract that {@code handlers} does not cover, and handler ids the contract lacks. */
  public static List<String> mismatches(OpenAPIContract contract, Collection<String> handlers) {
    TreeSet<String> problems = new TreeSet<>();
    TreeSet<String> ids = new TreeSet<>();
    for (io.vertx.openapi.contract.Operation op : contract.operations()) {
      ids.add(op.getOperationId());
      if (!handlers.contains(op.getOperationId())) {
        problems.add("no handler for operation " + op.getOperationId());
      }
    }
    for (String id : handlers) {
      if (!ids.contains(id)) {
        problems.add("handler for unknown operation " + id);
      }
    }
    return List.copyOf(problems);
  }

  /**
   * Adds the handlers; on authenticated operations {@code afterAuth} (the revocation check) runs first.
   */
  static void bind(RouterBuilder builder, OpenAPIContract contract, Operation.Handlers handlers,
                   Handler<RoutingContext> afterAuth, InlineValidation validation) {
    List<String> problems = mismatches(contract, Operation.byId().keySet());
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the contract and the handlers disagree: " + problems);
    }
    for (OpenAPIRoute route : builder.getRoutes()) {
      io.vertx.openapi.contract.Operation op = route.getOperation();
      if (!op.getSecurityRequirements().isEmpty()) {
        route.addHandler(afterAuth);
      }
      // Same validation as the router's, without its worker-thread hop (see InlineValidation).
      route.setDoValidation(false);
      route.addHandler(validation.handler(op));
      route.addHandler(Operation.of(op.getOperationId()).handler(handlers));
    }
  }
}
