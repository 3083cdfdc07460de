package com.favoriteproducts.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every operation of the contract ({@code openapi.yaml}, by operationId) and the handler that serves it. The edge
 * refuses to start when this list and the contract disagree ({@link ApiRoutes#mismatches}).
 */
enum Operation {
  HEALTH_LIVE("healthLive", h -> h.health()::live),
  HEALTH_READY("healthReady", h -> h.health()::ready),
  ISSUE_TOKEN("issueToken", h -> h.auth()::issue),
  REVOKE_TOKEN("revokeToken", h -> h.auth()::revoke),
  LIST_CUSTOMERS("listCustomers", h -> h.customers()::list),
  CREATE_CUSTOMER("createCustomer", h -> h.customers()::create),
  GET_CUSTOMER("getCustomer", h -> h.customers()::get),
  REPLACE_CUSTOMER("replaceCustomer", h -> h.customers()::replace),
  PATCH_CUSTOMER("patchCustomer", h -> h.customers()::patch),
  DELETE_CUSTOMER("deleteCustomer", h -> h.customers()::delete),
  LIST_FAVORITES("listFavorites", h -> h.favorites()::list),
  ADD_FAVORITE("addFavorite", h -> h.favorites()::addByPath),
  ADD_FAVORITE_FROM_BODY("addFavoriteFromBody", h -> h.favorites()::addByBody),
  GET_FAVORITE("getFavorite", h -> h.favorites()::get),
  REMOVE_FAVORITE("removeFavorite", h -> h.favorites()::remove),
  GET_JOB("getJob", h -> h.favorites()::job),
  LIST_DEAD_JOBS("listDeadJobs", h -> h.favorites()::listDead),
  REPLAY_DEAD_JOBS("replayDeadJobs", h -> h.favorites()::replayDead),
  GET_PRODUCT("getProduct", h -> h.products()::get),
  CREATE_WEBHOOK("createWebhook", h -> h.webhooks()::create),
  LIST_WEBHOOKS("listWebhooks", h -> h.webhooks()::list),
  GET_WEBHOOK("getWebhook", h -> h.webhooks()::get),
  DELETE_WEBHOOK("deleteWebhook", h -> h.webhooks()::delete),
  ROTATE_WEBHOOK_SECRET("rotateWebhookSecret", h -> h.webhooks()::rotate),
  LIST_WEBHOOK_DELIVERIES("listWebhookDeliveries", h -> h.webhooks()::deliveries);

  /** The handler objects of one edge instance. */
  record Handlers(HealthHandlers health, AuthHandlers auth, CustomerHandlers customers, FavoriteHandlers favorites,
                  ProductHandlers products, WebhookHandlers webhooks) {
  }

  private static final Map<String, Operation> BY_ID = Arrays.stream(values())
    .collect(Collectors.toUnmodifiableMap(o -> o.id, o -> o));

  final String id;
  private final Function<Handlers, Handler<RoutingContext>> handler;

  Operation(String id, Function<Handlers, Handler<RoutingContext>> handler) {
    this.id = id;
    this.handler = handler;
  }

  Handler<RoutingContext> handler(Handlers handlers) {
    return handler.apply(handlers);
  }

  /** The operation of an operationId; null for one this enum does not know. */
  static Operation of(String operationId) {
    return BY_ID.get(operationId);
  }

  static Map<String, Operation> byId() {
    return BY_ID;
  }
}
