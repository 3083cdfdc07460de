package com.favoriteproducts.auth;

import com.favoriteproducts.config.JwtConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;

import java.util.UUID;

/** Mints signed JWTs with {@code exp, iat, jti, sub, scope, iss}. */
public final class TokenIssuer {

  private final JWTAuth jwt;
  private final JwtConfig settings;

  public TokenIssuer(JWTAuth jwt, JwtConfig settings) {
    this.jwt = jwt;
    this.settings = settings;
  }

  public boolean canIssue() {
    return settings.algorithm().startsWith("HS") || !settings.privateKeyPem().isEmpty();
  }

  /** customerId null: an admin token. */
  public JsonObject issue(String customerId) {
    String scope = customerId == null ? Principal.ADMIN : Principal.CUSTOMER;
    JsonObject claims = new JsonObject().put("scope", scope).put("jti", UUID.randomUUID().toString());
    JWTOptions options = new JWTOptions().setAlgorithm(settings.algorithm()).setExpiresInSeconds(settings.ttlSeconds())
      .setIssuer(settings.issuer()).setSubject(customerId == null ? Principal.ADMIN : customerId);
    return new JsonObject().put("access_token", jwt.generateToken(claims, options)).put("token_type", "Bearer")
      .put("expires_in", settings.ttlSeconds()).put("scope", scope);
  }
}
