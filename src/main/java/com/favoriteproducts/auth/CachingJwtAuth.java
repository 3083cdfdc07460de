package com.favoriteproducts.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the tokens it verified (signature, issuer, expiry), so a client that sends the same token on every
 * request costs a map lookup instead of a signature check and a JSON parse. One per HTTP verticle instance, used
 * only on its event loop. An entry is used only while the token has not expired (allowing the same clock leeway as
 * the verification); revocation is checked separately on every request ({@link Denylist}, in memory).
 *
 * <p>A token without {@code exp} is refused: the JWT library checks {@code exp} only when present, and such a token
 * would be valid forever (our tokens always carry one).
 */
public final class CachingJwtAuth implements JWTAuth {

  static final String NO_EXPIRY = "the token has no expiry (exp)";

  private final JWTAuth delegate;
  private final int leewaySeconds;
  private final LinkedHashMap<String, User> verified;

  public CachingJwtAuth(JWTAuth delegate, int capacity, int leewaySeconds) {
    this.delegate = delegate;
    this.leewaySeconds = leewaySeconds;
    this.verified = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, User> eldest) {
        return size() > capacity;
      }
    };
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (!(credentials instanceof TokenCredentials tc) || tc.getToken() == null) {
      return delegate.authenticate(credentials);
    }
    String token = tc.getToken();
    User known = verified.get(token);
    if (known != null) {
      if (!known.expired(leewaySeconds)) {
        return Future.succeededFuture(known);
      }
      verified.remove(token);
    }
    return delegate.authenticate(credentials).compose(user -> {
      if (!(Principal.claims(user).getValue("exp") instanceof Number)) {
        return Future.failedFuture(NO_EXPIRY);
      }
      verified.put(token, user);
      return Future.succeededFuture(user);
    });
  }

  @Override
  public String generateToken(JsonObject claims, JWTOptions options) {
    return delegate.generateToken(claims, options);
  }

  @Override
  public String generateToken(JsonObject claims) {
    return delegate.generateToken(claims);
  }
}
