package com.favoriteproducts.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;

/**
 * The admin routes of the in-process fake-products deployment of a {@link TestApp}: fault switches, catalog changes
 * and call counters (see fake-products/README.md).
 */
public final class FakeProducts {

  public final String url;
  public final int port;
  private final WebClient http;

  FakeProducts(Vertx vertx, int port) {
    this.port = port;
    this.url = "http://127.0.0.1:" + port;
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  /** No faults and zeroed counters. */
  public void reset() {
    faults(new JsonObject().put("latencyMs", 0).put("failureRate", 0.0).put("down", false));
    expect(await(http.post("/__admin/stats/reset").send()), 204);
  }

  /** Changes the given fault settings ({@code latencyMs}, {@code failureRate}, {@code down}). */
  public JsonObject faults(JsonObject settings) {
    return expect(await(http.post("/__admin/faults").sendJsonObject(settings)), 200).bodyAsJsonObject();
  }

  public void down(boolean down) {
    faults(new JsonObject().put("down", down));
  }

  /** {@code {"productCalls", "listCalls", "byId": {id: n}}}. */
  public JsonObject stats() {
    return expect(await(http.get("/__admin/stats").send()), 200).bodyAsJsonObject();
  }

  /** How many times the product API was asked about this id since the last reset. */
  public long calls(String id) {
    return stats().getJsonObject("byId").getLong(id.toLowerCase(), 0L);
  }

  /** Adds (or replaces) a product in the catalog; returns it as the API serves it. */
  public JsonObject upsert(JsonObject product) {
    HttpResponse<Buffer> r = await(http.post("/__admin/products").sendJsonObject(product));
    if (r.statusCode() != 200 && r.statusCode() != 201) {
      throw new AssertionError("upsert failed: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  /** A new product with a fresh id, added to the catalog. */
  public JsonObject newProduct() {
    String id = UUID.randomUUID().toString();
    return upsert(new JsonObject().put("id", id).put("title", "Product " + id.substring(0, 8)).put("brand", "Acme")
      .put("image", "http://images.example.com/" + id + ".jpg").put("price", 149.9).put("reviewScore", 4.5));
  }

  public void delete(String id) {
    expect(await(http.delete("/__admin/products/" + id).send()), 204);
  }

  private static HttpResponse<Buffer> expect(HttpResponse<Buffer> r, int status) {
    if (r.statusCode() != status) {
      throw new AssertionError("fake-products admin call answered " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r;
  }
}
