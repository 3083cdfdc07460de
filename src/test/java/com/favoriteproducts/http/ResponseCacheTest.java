package com.favoriteproducts.http;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("edge response cache: reads are served from it, and every change through the service shows at once")
class ResponseCacheTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c.put("HTTP_INSTANCES", 1).put("RESPONSE_CACHE_TTL_MS", 60_000));
  static String admin;

  @BeforeAll
  static void start() {
    admin = app.adminToken();
  }

  private JsonObject get(String path) {
    HttpResponse<Buffer> r = await(app.http.get(path).bearerTokenAuthentication(admin).send());
    assertThat(r.statusCode()).as(path + " " + r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private void renameBehindTheServicesBack(String id, String name) {
    await(app.db.preparedQuery("UPDATE customers SET name = $2 WHERE id = $1").execute(Tuple.of(UUID.fromString(id), name)));
  }

  @Test
  @DisplayName("a customer read twice comes from the cache; a PATCH through the service is visible on the next read")
  void customerReads() {
    String id = app.createCustomer(admin).getString("id");
    String original = get("/v1/customers/" + id).getString("name");
    renameBehindTheServicesBack(id, "changed in SQL");
    assertThat(get("/v1/customers/" + id).getString("name")).as("served from the cache").isEqualTo(original);

    HttpResponse<Buffer> patched = await(app.http.patch("/v1/customers/" + id).bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("name", "Patched")));
    assertThat(patched.statusCode()).isEqualTo(200);
    JsonObject after = get("/v1/customers/" + id);
    assertThat(after.getString("name")).isEqualTo("Patched");
    HttpResponse<Buffer> r = await(app.http.get("/v1/customers/" + id).bearerTokenAuthentication(admin).send());
    assertThat(r.getHeader("ETag")).isEqualTo(patched.getHeader("ETag"));
    assertThat(await(app.http.get("/v1/customers/" + id).bearerTokenAuthentication(admin)
      .putHeader("If-None-Match", r.getHeader("ETag")).send()).statusCode()).isEqualTo(304);

    assertThat(await(app.http.delete("/v1/customers/" + id).bearerTokenAuthentication(admin).send()).statusCode()).isEqualTo(204);
    assertThat(await(app.http.get("/v1/customers/" + id).bearerTokenAuthentication(admin).send()).statusCode()).isEqualTo(404);
    assertThat(await(app.http.get("/v1/customers/" + id + "/favorites").bearerTokenAuthentication(admin).send()).statusCode())
      .isEqualTo(404);
  }

  @Test
  @DisplayName("a cached favorites page shows an add and a removal at once")
  void favoritesPages() {
    String c = app.createCustomer(admin).getString("id");
    String p1 = app.fakeProducts.newProduct().getString("id");
    String p2 = app.fakeProducts.newProduct().getString("id");
    String path = "/v1/customers/" + c + "/favorites";
    assertThat(get(path).getJsonArray("items")).isEmpty();
    assertThat(await(app.http.put(path + "/" + p1).bearerTokenAuthentication(admin).putHeader("Prefer", "wait=10").send())
      .statusCode()).isEqualTo(201);
    assertThat(get(path).getJsonArray("items")).hasSize(1);
    assertThat(await(app.http.put(path + "/" + p2).bearerTokenAuthentication(admin).putHeader("Prefer", "wait=10").send())
      .statusCode()).isEqualTo(201);
    assertThat(get(path).getJsonArray("items")).hasSize(2);
    assertThat(get(path + "?limit=1").getJsonArray("items")).hasSize(1);
    assertThat(await(app.http.delete(path + "/" + p1).bearerTokenAuthentication(admin).send()).statusCode()).isEqualTo(204);
    assertThat(get(path).getJsonArray("items")).hasSize(1);
    assertThat(get(path).getJsonArray("items").getJsonObject(0).getString("productId")).isEqualTo(p2);
  }

  @Test
  @DisplayName("authorization runs before the cache: another customer's token gets 403 for a cached page")
  void authorizationFirst() {
    String c = app.createCustomer(admin).getString("id");
    get("/v1/customers/" + c);
    get("/v1/customers/" + c + "/favorites");
    String other = app.customerToken(app.createCustomer(admin).getString("id"));
    assertThat(await(app.http.get("/v1/customers/" + c).bearerTokenAuthentication(other).send()).statusCode()).isEqualTo(403);
    assertThat(await(app.http.get("/v1/customers/" + c + "/favorites").bearerTokenAuthentication(other).send()).statusCode())
      .isEqualTo(403);
  }

  @Test
  @DisplayName("entries expire after RESPONSE_CACHE_TTL_MS, and RESPONSE_CACHE_SIZE=0 turns the cache off")
  void ttlAndOff() {
    try (TestApp shortTtl = TestApp.start(TestApp.defaultConfig().put("RESPONSE_CACHE_TTL_MS", 300));
         TestApp off = TestApp.start(TestApp.defaultConfig().put("RESPONSE_CACHE_SIZE", 0))) {
      String token = shortTtl.adminToken();
      String id = shortTtl.createCustomer(token).getString("id");
      await(shortTtl.http.get("/v1/customers/" + id).bearerTokenAuthentication(token).send());
      renameBehindTheServicesBack(id, "after ttl");
      Eventually.elapse(400, "the cached read expires (RESPONSE_CACHE_TTL_MS=300)");
      assertThat(await(shortTtl.http.get("/v1/customers/" + id).bearerTokenAuthentication(token).send())
        .bodyAsJsonObject().getString("name")).isEqualTo("after ttl");

      String offToken = off.adminToken();
      String id2 = off.createCustomer(offToken).getString("id");
      await(off.http.get("/v1/customers/" + id2).bearerTokenAuthentication(offToken).send());
      renameBehindTheServicesBack(id2, "no cache");
      assertThat(await(off.http.get("/v1/customers/" + id2).bearerTokenAuthentication(offToken).send())
        .bodyAsJsonObject().getString("name")).isEqualTo("no cache");
    }
  }

  @Test
  @DisplayName("cursors that differ only in spelling share one cache entry (base64 padding, JSON spacing, id case)")
  void equivalentCursorsShareAnEntry() {
    String c = app.createCustomer(admin).getString("id");
    String path = "/v1/customers/" + c + "/favorites";
    for (int i = 0; i < 2; i++) {
      String p = app.fakeProducts.newProduct().getString("id");
      assertThat(await(app.http.put(path + "/" + p).bearerTokenAuthentication(admin).putHeader("Prefer", "wait=10")
        .send()).statusCode()).isEqualTo(201);
    }
    String cursor = get(path + "?limit=1").getString("nextCursor");
    JsonObject second = get(path + "?limit=1&cursor=" + cursor);
    String secondProduct = second.getJsonArray("items").getJsonObject(0).getString("productId");
    // Behind the service's back (no invalidation): only a cache hit still shows it.
    await(app.db.preparedQuery("DELETE FROM favorites WHERE customer_id = $1 AND product_id = $2")
      .execute(Tuple.of(UUID.fromString(c), UUID.fromString(secondProduct))));

    JsonArray key = new JsonArray(new String(
      Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
    List<String> variants = new ArrayList<>();
    if (cursor.length() % 4 != 0) {
      variants.add(cursor + "=".repeat(4 - cursor.length() % 4));
    }
    variants.add(encode("[ " + key.getLong(0) + " , \"" + key.getString(1) + "\" ]"));
    variants.add(encode("[" + key.getLong(0) + ",\"" + key.getString(1).toUpperCase() + "\"]"));
    variants.add(encode("[" + key.getLong(0) + ".0,\"" + key.getString(1) + "\"]"));
    for (String variant : variants) {
      assertThat(variant).isNotEqualTo(cursor);
      JsonObject page = get(path + "?limit=1&cursor=" + URLEncoder.encode(variant,
        StandardCharsets.UTF_8));
      assertThat(page).as("cursor %s is served from the entry of %s", variant, cursor).isEqualTo(second);
    }
  }

  private static String encode(String json) {
    return Base64.getUrlEncoder().withoutPadding()
      .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
