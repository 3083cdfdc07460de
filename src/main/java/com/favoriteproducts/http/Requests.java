package com.favoriteproducts.http;

import com.favoriteproducts.auth.Principal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;

/** Reads what the contract validated, and checks who may do what. */
final class Requests {

  private Requests() {
  }

  static ValidatedRequest validated(RoutingContext rc) {
    return rc.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
  }

  static String path(RoutingContext rc, String name) {
    RequestParameter p = validated(rc).getPathParameters().get(name);
    return p == null || p.isNull() ? null : p.getString();
  }

  static String query(RoutingContext rc, String name) {
    RequestParameter p = validated(rc).getQuery().get(name);
    return p == null || p.isNull() ? null : p.getString();
  }

  static Integer queryInt(RoutingContext rc, String name) {
    RequestParameter p = validated(rc).getQuery().get(name);
    return p == null || p.isNull() ? null : p.getInteger();
  }

  static JsonObject body(RoutingContext rc) {
    RequestParameter p = validated(rc).getBody();
    return p == null || p.isNull() ? new JsonObject() : p.getJsonObject();
  }

  /** Admin only; answers 403 and returns false otherwise. */
  static boolean requireAdmin(RoutingContext rc) {
    Principal p = Principal.of(rc);
    if (p != null && p.isAdmin()) {
      return true;
    }
    Problems.send(rc, 403, "this operation needs an admin token");
    return false;
  }

  /** The admin or the customer itself; answers 403 and returns false otherwise. */
  static boolean requireCustomer(RoutingContext rc, String customerId) {
    Principal p = Principal.of(rc);
    if (p != null && p.mayAccessCustomer(customerId)) {
      return true;
    }
    Problems.send(rc, 403, "this token may not access customer " + customerId);
    return false;
  }
}
