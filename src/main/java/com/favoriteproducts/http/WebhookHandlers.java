package com.favoriteproducts.http;

import com.favoriteproducts.bus.Addresses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The webhook operations of the contract (admin only): HTTP in, event bus to the webhooks verticle, HTTP out. */
final class WebhookHandlers {

  private final Bus bus;

  WebhookHandlers(Bus bus) {
    this.bus = bus;
  }

  /** 201 with the webhook and its secret (shown here and after a rotation only), {@code Location} its URL. */
  void create(RoutingContext rc) {
    if (!Requests.requireAdmin(rc)) {
      return;
    }
    bus.request(Addresses.WEBHOOKS_CREATE, Requests.body(rc)).onSuccess(w -> {
      rc.response().putHeader("Location", "/v1/admin/webhooks/" + w.getString("id"));
      Json.send(rc, 201, w);
    }).onFailure(err -> Bus.fail(rc, err));
  }

  void list(RoutingContext rc) {
    forward(rc, Addresses.WEBHOOKS_LIST, new JsonObject());
  }

  void get(RoutingContext rc) {
    forward(rc, Addresses.WEBHOOKS_GET, new JsonObject().put("id", Requests.path(rc, "id")));
  }

  void delete(RoutingContext rc) {
    if (!Requests.requireAdmin(rc)) {
      return;
    }
    bus.request(Addresses.WEBHOOKS_DELETE, new JsonObject().put("id", Requests.path(rc, "id")))
      .onSuccess(r -> rc.response().setStatusCode(204).end())
      .onFailure(err -> Bus.fail(rc, err));
  }

  void rotate(RoutingContext rc) {
    forward(rc, Addresses.WEBHOOKS_ROTATE, new JsonObject().put("id", Requests.path(rc, "id")));
  }

  void deliveries(RoutingContext rc) {
    JsonObject req = new JsonObject().put("id", Requests.path(rc, "id"));
    Integer limit = Requests.queryInt(rc, "limit");
    if (limit != null) {
      req.put("limit", limit);
    }
    String status = Requests.query(rc, "status");
    if (status != null) {
      req.put("status", status);
    }
    String cursor = Requests.query(rc, "cursor");
    if (cursor != null) {
      req.put("cursor", cursor);
    }
    forward(rc, Addresses.WEBHOOKS_DELIVERIES, req);
  }

  private void forward(RoutingContext rc, String address, JsonObject req) {
    if (!Requests.requireAdmin(rc)) {
      return;
    }
    bus.request(address, req).onSuccess(r -> Json.send(rc, 200, r)).onFailure(err -> Bus.fail(rc, err));
  }
}
