package com.favoriteproducts.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;

/**
 * The favorites API of a test app, and its stored state, for the favorites tests. As an extension, registered after the
 * class's app ({@code @Order} on both fields), it takes the admin token once and gives every test a healthy product
 * API (the fake's faults reset):
 * <pre>
 * &#64;RegisterExtension &#64;Order(1)
 * static final TestApp app = TestApp.perClass(...);
 * &#64;RegisterExtension &#64;Order(2)
 * static final FavoritesClient api = FavoritesClient.perClass(app);
 * </pre>
 */
public final class FavoritesClient implements BeforeAllCallback, BeforeEachCallback {

  public final TestApp app;
  /** The admin token; set once: by {@link #of}, or when the class starts ({@link #perClass}). */
  public String admin;

  private FavoritesClient(TestApp app, String admin) {
    this.app = app;
    this.admin = admin;
  }

  /** For an app already running. */
  public static FavoritesClient of(TestApp app) {
    return new FavoritesClient(app, app.adminToken());
  }

  /** For a per-class app that is not running yet: an extension to register after it. */
  public static FavoritesClient perClass(TestApp app) {
    return new FavoritesClient(app, null);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (admin == null) {
      admin = app.adminToken();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    app.fakeProducts.reset();
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
