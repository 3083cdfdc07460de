package com.favoriteproducts.auth;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("authentication and authorization")
class AuthTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();
  static String admin;

  @BeforeAll
  static void start() {
    admin = app.adminToken();
  }

  private HttpResponse<Buffer> getCustomer(String id, String token) {
    var req = app.http.get("/v1/customers/" + id);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return await(req.send());
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject claims(String[] jwt) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("the API token gets a Bearer JWT with exp, iat, jti, sub and scope")
  void issuesToken() {
    HttpResponse<Buffer> r = await(app.http.post("/v1/auth/token").sendJsonObject(new JsonObject().put("token", TestApp.API_TOKEN)));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("token_type")).isEqualTo("Bearer");
    assertThat(body.getInteger("expires_in")).isEqualTo(3600);
    JsonObject c = claims(body.getString("access_token").split("\\."));
    assertThat(c.getString("sub")).isEqualTo("admin");
    assertThat(c.getString("scope")).isEqualTo("admin");
    assertThat(c.getString("jti")).isNotBlank();
    assertThat(c.getLong("exp") - c.getLong("iat")).isEqualTo(3600L);
  }

  @Test
  @DisplayName("a wrong API token gets 401 problem; a missing one 400")
  void wrongApiToken() {
    HttpResponse<Buffer> r = await(app.http.post("/v1/auth/token").sendJsonObject(new JsonObject().put("token", "nope")));
    assertProblem(r, 401);
    HttpResponse<Buffer> missing = await(app.http.post("/v1/auth/token").sendJsonObject(new JsonObject()));
    assertThat(missing.statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("no token, a malformed token, alg none, a bad signature and an expired token all get 401")
  void badTokens() {
    String id = app.createCustomer(admin).getString("id");
    assertThat(getCustomer(id, admin).statusCode()).isEqualTo(200);
    assertThat(getCustomer(id, null).statusCode()).isEqualTo(401);
    assertThat(getCustomer(id, null).getHeader("WWW-Authenticate")).startsWith("Bearer");
    assertThat(getCustomer(id, "not.a.jwt").statusCode()).isEqualTo(401);
    assertThat(getCustomer(id, "garbage").statusCode()).isEqualTo(401);

    String[] parts = admin.split("\\.");
    JsonObject payload = claims(parts);
    String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
    assertThat(getCustomer(id, none).statusCode()).isEqualTo(401);

    String tampered = parts[0] + "." + b64(payload.copy().put("sub", "someone-else").encode()) + "." + parts[2];
    assertThat(getCustomer(id, tampered).statusCode()).isEqualTo(401);

    JWTAuth otherKey = JWTAuth.create(app.vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("another-secret-" + UUID.randomUUID())));
    String foreign = otherKey.generateToken(new JsonObject().put("scope", "admin").put("jti", UUID.randomUUID().toString()),
      new JWTOptions().setIssuer("favorite-products").setSubject("admin").setExpiresInSeconds(600));
    assertThat(getCustomer(id, foreign).statusCode()).isEqualTo(401);

    JWTAuth sameKey = JWTAuth.create(app.vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(app.config.getString("JWT_SECRET"))));
    long past = System.currentTimeMillis() / 1000 - 7200;
    String expired = sameKey.generateToken(new JsonObject().put("scope", "admin").put("jti", UUID.randomUUID().toString())
        .put("iat", past).put("exp", past + 60),
      new JWTOptions().setIssuer("favorite-products").setSubject("admin").setNoTimestamp(true));
    HttpResponse<Buffer> r = getCustomer(id, expired);
    assertProblem(r, 401);

    String valid = sameKey.generateToken(new JsonObject().put("scope", "admin").put("jti", UUID.randomUUID().toString()),
      new JWTOptions().setIssuer("favorite-products").setSubject("admin").setExpiresInSeconds(600));
    assertThat(getCustomer(id, valid).statusCode()).as("control: a well-signed token passes").isEqualTo(200);
  }

  @Test
  @DisplayName("a revoked token gets 401 from then on, while other tokens keep working")
  void revoke() {
    String token = app.adminToken();
    String id = app.createCustomer(token).getString("id");
    assertThat(getCustomer(id, token).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> r = await(app.http.post("/v1/auth/revoke").bearerTokenAuthentication(token).send());
    assertThat(r.statusCode()).isEqualTo(204);
    HttpResponse<Buffer> after = getCustomer(id, token);
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(after.bodyAsJsonObject().getString("detail")).contains("revoked");
    assertThat(getCustomer(id, admin).statusCode()).isEqualTo(200);
    assertThat(await(app.http.post("/v1/auth/revoke").send()).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("a revocation made on one node reaches another node sharing the Redis (pub/sub), within a second")
  void revocationReachesOtherNodes() {
    try (TestApp other = TestApp.start()) {
      String token = app.adminToken();
      String id = app.createCustomer(token).getString("id");
      assertThat(await(other.http.get("/v1/customers/" + id).bearerTokenAuthentication(token).send()).statusCode())
        .isEqualTo(200);
      assertThat(await(app.http.post("/v1/auth/revoke").bearerTokenAuthentication(token).send()).statusCode()).isEqualTo(204);
      Eventually.until(1000, "the other node refuses the revoked token", () ->
        await(other.http.get("/v1/customers/" + id).bearerTokenAuthentication(token).send()).statusCode() == 401);
      assertThat(await(other.http.get("/v1/customers/" + id).bearerTokenAuthentication(token).send()).statusCode())
        .isEqualTo(401);
      // A node started after the revocation loads it from Redis.
      try (TestApp late = TestApp.start()) {
        Eventually.until(1000, "the late node refuses the revoked token", () ->
          await(late.http.get("/v1/customers/" + id).bearerTokenAuthentication(token).send()).statusCode() == 401);
        assertThat(await(late.http.get("/v1/customers/" + id).bearerTokenAuthentication(token).send()).statusCode())
          .isEqualTo(401);
      }
    }
  }

  @Test
  @DisplayName("a customer token reads and changes only its own customer; other customers, listing and creation are 403")
  void customerScope() {
    JsonObject me = app.createCustomer(admin);
    JsonObject other = app.createCustomer(admin);
    String mine = app.customerToken(me.getString("id"));
    JsonObject c = claims(mine.split("\\."));
    assertThat(c.getString("scope")).isEqualTo("customer");
    assertThat(c.getString("sub")).isEqualTo(me.getString("id"));

    assertThat(getCustomer(me.getString("id"), mine).statusCode()).isEqualTo(200);
    assertThat(await(app.http.patch("/v1/customers/" + me.getString("id")).bearerTokenAuthentication(mine)
      .sendJsonObject(new JsonObject().put("name", "Me"))).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> forbidden = getCustomer(other.getString("id"), mine);
    assertProblem(forbidden, 403);
    assertThat(getCustomer(UUID.randomUUID().toString(), mine).statusCode()).as("no existence leak").isEqualTo(403);
    assertThat(await(app.http.put("/v1/customers/" + other.getString("id")).bearerTokenAuthentication(mine)
      .sendJsonObject(new JsonObject().put("name", "x").put("email", "x@example.com"))).statusCode()).isEqualTo(403);
    assertThat(await(app.http.patch("/v1/customers/" + other.getString("id")).bearerTokenAuthentication(mine)
      .sendJsonObject(new JsonObject().put("name", "x"))).statusCode()).isEqualTo(403);
    assertThat(await(app.http.delete("/v1/customers/" + other.getString("id")).bearerTokenAuthentication(mine)
      .send()).statusCode()).isEqualTo(403);
    assertThat(await(app.http.get("/v1/customers").bearerTokenAuthentication(mine).send()).statusCode()).isEqualTo(403);
    assertThat(await(app.http.post("/v1/customers").bearerTokenAuthentication(mine)
      .sendJsonObject(new JsonObject().put("name", "x").put("email", "new-" + UUID.randomUUID() + "@example.com")))
      .statusCode()).isEqualTo(403);
    // The other customer is untouched.
    assertThat(getCustomer(other.getString("id"), admin).bodyAsJsonObject().getString("name")).isEqualTo(other.getString("name"));
    // And it may delete itself.
    assertThat(await(app.http.delete("/v1/customers/" + me.getString("id")).bearerTokenAuthentication(mine).send())
      .statusCode()).isEqualTo(204);
  }

  @Test
  @DisplayName("a token for an unknown customer is refused with 404")
  void tokenForUnknownCustomer() {
    HttpResponse<Buffer> r = await(app.http.post("/v1/auth/token").sendJsonObject(new JsonObject()
      .put("token", TestApp.API_TOKEN).put("customerId", UUID.randomUUID().toString())));
    assertThat(r.statusCode()).isEqualTo(404);
    HttpResponse<Buffer> bad = await(app.http.post("/v1/auth/token").sendJsonObject(new JsonObject()
      .put("token", TestApp.API_TOKEN).put("customerId", "not-a-uuid")));
    assertThat(bad.statusCode()).isEqualTo(400);
  }
}
