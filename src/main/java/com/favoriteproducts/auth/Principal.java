package com.favoriteproducts.auth;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;

/** Who is calling, from the verified JWT: an admin client, or one customer. */
public record Principal(String subject, String scope, String jti, long exp) {

  public static final String ADMIN = "admin";
  public static final String CUSTOMER = "customer";

  public static Principal of(RoutingContext rc) {
    return of(rc.user());
  }

  /** The principal of a verified token ({@code JWTAuth.authenticate}'s user: the HTTP edge's, the bridge's); null for none. */
  public static Principal of(User user) {
    if (user == null) {
      return null;
    }
    JsonObject claims = claims(user);
    return new Principal(claims.getString("sub"), claims.getString("scope"), claims.getString("jti"),
      claims.getLong("exp", 0L));
  }

  /** The verified token's claims. */
  static JsonObject claims(User user) {
    return user.attributes().getJsonObject("accessToken", user.principal());
  }

  public boolean isAdmin() {
    return ADMIN.equals(scope);
  }

  /** The admin may access every customer; a customer token only its own. */
  public boolean mayAccessCustomer(String customerId) {
    return isAdmin() || (CUSTOMER.equals(scope) && subject != null && subject.equalsIgnoreCase(customerId));
  }
}
