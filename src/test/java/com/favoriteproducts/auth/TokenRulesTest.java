package com.favoriteproducts.auth;

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

import java.util.UUID;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Tokens signed with the service's own secret, so only the claims decide: no exp, exp just past the leeway or not. */
@DisplayName("token rules: exp required, clock leeway")
class TokenRulesTest {

  static final int LEEWAY = 10;

  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c.put("JWT_LEEWAY_SECONDS", LEEWAY));
  static String customerId;
  static JWTAuth sameKey;

  @BeforeAll
  static void setUp() {
    customerId = app.createCustomer(app.adminToken()).getString("id");
    sameKey = JWTAuth.create(app.vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(app.config.getString("JWT_SECRET"))));
  }

  private static String sign(JsonObject claims) {
    return sameKey.generateToken(claims.put("scope", "admin").put("jti", UUID.randomUUID().toString()),
      new JWTOptions().setIssuer("favorite-products").setSubject("admin").setNoTimestamp(true));
  }

  private static HttpResponse<Buffer> get(String token) {
    return await(app.http.get("/v1/customers/" + customerId).bearerTokenAuthentication(token).send());
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  @Test
  @DisplayName("a well-signed token without exp gets 401 problem (it would never expire), also on a second use")
  void noExpiry() {
    String forever = sign(new JsonObject().put("iat", now()));
    assertProblem(get(forever), 401);
    assertProblem(get(forever), 401);
    String noClaimsAtAll = sign(new JsonObject());
    assertProblem(get(noClaimsAtAll), 401);
    assertThat(get(sign(new JsonObject().put("iat", now()).put("exp", now() + 600))).statusCode())
      .as("control: the same token with exp passes").isEqualTo(200);
  }

  @Test
  @DisplayName("a token expired less than JWT_LEEWAY_SECONDS ago passes; one expired longer ago gets 401")
  void leeway() {
    long now = now();
    assertThat(get(sign(new JsonObject().put("iat", now - 600).put("exp", now - LEEWAY / 2))).statusCode())
      .as("expired %d s ago, inside the %d s leeway", LEEWAY / 2, LEEWAY).isEqualTo(200);
    assertProblem(get(sign(new JsonObject().put("iat", now - 600).put("exp", now - LEEWAY - 5))), 401);
  }

  @Test
  @DisplayName("a verified token that expires while cached is refused after exp + leeway")
  void cachedTokenExpires() {
    long now = now();
    String soon = sign(new JsonObject().put("iat", now).put("exp", now - LEEWAY + 2));
    assertThat(get(soon).statusCode()).isEqualTo(200);
    com.favoriteproducts.support.Eventually.until(10_000, "the cached token is refused once past its leeway",
      () -> get(soon).statusCode() == 401);
  }
}
