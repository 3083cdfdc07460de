package com.favoriteproducts.http;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.Paging;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The customers operations of the contract: HTTP in, event bus to the customers verticle, HTTP out. */
final class CustomerHandlers {

  private final Bus bus;
  private final ResponseCache cache;

  CustomerHandlers(Bus bus, ResponseCache cache) {
    this.bus = bus;
    this.cache = cache;
  }

  void create(RoutingContext rc) {
    if (!Requests.requireAdmin(rc)) {
      return;
    }
    bus.request(Addresses.CUSTOMERS_CREATE, Requests.body(rc)).onSuccess(c -> {
      rc.response().putHeader("Location", "/v1/customers/" + c.getString("id"));
      respond(rc, 201, c);
    }).onFailure(err -> Bus.fail(rc, err));
  }

  void get(RoutingContext rc) {
    String id = Requests.path(rc, "id");
    if (!Requests.requireCustomer(rc, id)) {
      return;
    }
    String key = "c:" + id.toLowerCase();
    ResponseCache.Entry hit = cache.get(key, System.currentTimeMillis());
    if (hit != null) {
      CachedResponses.send(rc, hit);
      return;
    }
    long epoch = cache.epoch();
    bus.request(Addresses.CUSTOMERS_GET, new JsonObject().put("id", id)).onSuccess(c -> {
      String etag = Headers.etag((Integer) c.remove("version"));
      Buffer body = c.toBuffer();
      cache.put(key, id.toLowerCase(), epoch, body, etag, System.currentTimeMillis());
      CachedResponses.send(rc, etag, body);
    }).onFailure(err -> Bus.fail(rc, err));
  }

  void replace(RoutingContext rc) {
    String id = Requests.path(rc, "id");
    if (!Requests.requireCustomer(rc, id)) {
      return;
    }
    JsonObject body = Requests.body(rc);
    JsonObject req = new JsonObject().put("id", id).put("name", body.getValue("name")).put("email", body.getValue("email"))
      .put("ifMatch", Headers.ifMatchVersion(rc.request().getHeader("If-Match")));
    bus.request(Addresses.CUSTOMERS_UPDATE, req).onSuccess(c -> respond(rc, 200, c)).onFailure(err -> Bus.fail(rc, err));
  }

  void patch(RoutingContext rc) {
    String id = Requests.path(rc, "id");
    if (!Requests.requireCustomer(rc, id)) {
      return;
    }
    JsonObject req = new JsonObject().put("id", id).put("patch", Requests.body(rc))
      .put("ifMatch", Headers.ifMatchVersion(rc.request().getHeader("If-Match")));
    bus.request(Addresses.CUSTOMERS_PATCH, req).onSuccess(c -> respond(rc, 200, c)).onFailure(err -> Bus.fail(rc, err));
  }

  void delete(RoutingContext rc) {
    String id = Requests.path(rc, "id");
    if (!Requests.requireCustomer(rc, id)) {
      return;
    }
    JsonObject req = new JsonObject().put("id", id).put("ifMatch", Headers.ifMatchVersion(rc.request().getHeader("If-Match")));
    bus.request(Addresses.CUSTOMERS_DELETE, req).onSuccess(r -> rc.response().setStatusCode(204).end())
      .onFailure(err -> Bus.fail(rc, err));
  }

  void list(RoutingContext rc) {
    if (!Requests.requireAdmin(rc)) {
      return;
    }
    Integer limit = Requests.queryInt(rc, "limit");
    JsonObject req = new JsonObject().put("limit", limit == null ? Paging.DEFAULT_LIMIT : limit);
    String cursor = Requests.query(rc, "cursor");
    String email = Requests.query(rc, "email");
    if (cursor != null) {
      req.put("cursor", cursor);
    }
    if (email != null) {
      req.put("email", email);
    }
    bus.request(Addresses.CUSTOMERS_LIST, req).onSuccess(page -> {
      page.getJsonArray("items").forEach(o -> ((JsonObject) o).remove("version"));
      Json.send(rc, 200, page);
    }).onFailure(err -> Bus.fail(rc, err));
  }

  /** The version becomes the ETag; the body is the customer without it. */
  private static void respond(RoutingContext rc, int status, JsonObject customer) {
    Integer version = (Integer) customer.remove("version");
    if (version != null) {
      rc.response().putHeader("ETag", Headers.etag(version));
    }
    Json.send(rc, status, customer);
  }
}
