package com.favoriteproducts.support;

import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;

/** The favorites API of a test app, and its stored state, for the favorites tests. */
public final class FavoritesClient {

  public final TestApp app;
  public final String admin;

  public FavoritesClient(TestApp app) {
    this.app = app;
    this.admin = app.adminToken();
  }

  public String newCustomer() {
    return app.createCustomer(admin).getString("id");
  }

  public HttpResponse<Buffer> put(String customerId, String productId, String token, Integer wait) {
    HttpRequest<Buffer> r = app.http.put("/v1/customers/" + customerId + "/favorites/" + productId)
      .bearerTokenAuthentication(token);
    if (wait != null) {
      r.putHeader("Prefer", "wait=" + wait);
    }
    return await(r.send());
  }

  public HttpResponse<Buffer> put(String customerId, String productId) {
    return put(customerId, productId, admin, null);
  }

  /** PUT with Prefer: wait=10, expecting the favorite to be stored (201) or already stored (200). */
  public JsonObject addNow(String customerId, String productId) {
    HttpResponse<Buffer> r = put(customerId, productId, admin, 10);
    if (r.statusCode() != 201 && r.statusCode() != 200) {
      throw new AssertionError("add failed: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  public HttpResponse<Buffer> post(String customerId, JsonObject body, String token, Integer wait) {
    HttpRequest<Buffer> r = app.http.post("/v1/customers/" + customerId + "/favorites").bearerTokenAuthentication(token);
    if (wait != null) {
      r.putHeader("Prefer", "wait=" + wait);
    }
    return await(r.sendJsonObject(body));
  }

  public HttpResponse<Buffer> get(String path, String token) {
    return await(app.http.get(path).bearerTokenAuthentication(token).send());
  }

  public HttpResponse<Buffer> list(String customerId, String query) {
    return get("/v1/customers/" + customerId + "/favorites" + (query == null ? "" : "?" + query), admin);
  }

  public HttpResponse<Buffer> delete(String customerId, String productId) {
    return await(app.http.delete("/v1/customers/" + customerId + "/favorites/" + productId)
      .bearerTokenAuthentication(admin).send());
  }

  public JsonObject job(String jobId) {
    HttpResponse<Buffer> r = get("/v1/jobs/" + jobId, admin);
    if (r.statusCode() != 200) {
      throw new AssertionError("job " + jobId + ": " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  public String jobStatus(String jobId) {
    return job(jobId).getString("status");
  }

  /** The product ids stored for the customer, in database order of (added_at, product_id). */
  public List<String> storedProducts(String customerId) {
    List<String> out = new ArrayList<>();
    for (Row r : await(app.db.preparedQuery("SELECT product_id FROM favorites WHERE customer_id = $1 ORDER BY added_at, product_id")
      .execute(Tuple.of(UUID.fromString(customerId))))) {
      out.add(r.getUUID(0).toString());
    }
    return out;
  }

  public long count(String sql, Object... params) {
    return await(app.db.preparedQuery(sql).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  public long jobs(String customerId, String status) {
    return count("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1 AND status = $2", UUID.fromString(customerId), status);
  }
}
