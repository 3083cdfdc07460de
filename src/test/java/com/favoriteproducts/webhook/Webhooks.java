package com.favoriteproducts.webhook;

import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;

/** The admin webhook API as tests call it, and the webhooks a test registered (deleted after it: {@link #deleteAll}). */
final class Webhooks {

  private final TestApp app;
  private final String admin;
  private final List<String> created = new ArrayList<>();

  Webhooks(TestApp app) {
    this.app = app;
    this.admin = app.adminToken();
  }

  HttpResponse<Buffer> create(JsonObject body) {
    HttpResponse<Buffer> r = await(app.http.post("/v1/admin/webhooks").bearerTokenAuthentication(admin)
      .sendJsonObject(body));
    if (r.statusCode() == 201) {
      created.add(r.bodyAsJsonObject().getString("id"));
    }
    return r;
  }

  /** Registers one for both events; returns the 201 body (with its secret). */
  JsonObject register(String url) {
    HttpResponse<Buffer> r = create(new JsonObject().put("url", url)
      .put("events", new JsonArray().add("favorite.added").add("favorite.removed")));
    if (r.statusCode() != 201) {
      throw new AssertionError("register failed: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  HttpResponse<Buffer> get(String path) {
    return await(app.http.get(path).bearerTokenAuthentication(admin).send());
  }

  HttpResponse<Buffer> delete(String id) {
    return await(app.http.delete("/v1/admin/webhooks/" + id).bearerTokenAuthentication(admin).send());
  }

  HttpResponse<Buffer> rotate(String id) {
    return await(app.http.post("/v1/admin/webhooks/" + id + "/rotate-secret").bearerTokenAuthentication(admin).send());
  }

  JsonArray deliveries(String id, String query) {
    HttpResponse<Buffer> r = get("/v1/admin/webhooks/" + id + "/deliveries" + (query == null ? "" : "?" + query));
    if (r.statusCode() != 200) {
      throw new AssertionError("deliveries: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getJsonArray("items");
  }

  /** The statuses of a webhook's deliveries of one customer, from PostgreSQL, in event order. */
  List<String> statuses(String webhookId, String customerId) {
    List<String> out = new ArrayList<>();
    await(app.db.preparedQuery("SELECT status FROM webhook_deliveries WHERE webhook_id = $1 AND customer_id = $2"
        + " ORDER BY seq").execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(webhookId), UUID.fromString(customerId))))
      .forEach(r -> out.add(r.getString(0)));
    return out;
  }

  /** Deletes what this test registered (so later tests' events do not go to its receivers). */
  void deleteAll() {
    for (String id : created) {
      delete(id);
    }
    created.clear();
  }
}
