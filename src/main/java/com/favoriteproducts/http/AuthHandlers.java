package com.favoriteproducts.http;

import com.favoriteproducts.auth.Denylist;
import com.favoriteproducts.auth.Principal;
import com.favoriteproducts.auth.TokenIssuer;
import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.config.JwtConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Token issuing and revocation (the check every authenticated route runs is {@link AdmissionHandler}). */
final class AuthHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(AuthHandlers.class);

  private final JwtConfig settings;
  private final TokenIssuer issuer;
  private final Denylist denylist;
  private final Bus bus;

  AuthHandlers(JwtConfig settings, TokenIssuer issuer, Denylist denylist, Bus bus) {
    this.settings = settings;
    this.issuer = issuer;
    this.denylist = denylist;
    this.bus = bus;
  }

  void issue(RoutingContext rc) {
    JsonObject body = Requests.body(rc);
    if (!settings.isApiToken(body.getString("token"))) {
      Problems.send(rc, 401, "the API token is not valid");
      return;
    }
    if (!issuer.canIssue()) {
      Problems.send(rc, 503, "this node has no private key to sign tokens with");
      return;
    }
    String customerId = body.getString("customerId");
    if (customerId == null) {
      Json.send(rc, 200, issuer.issue(null));
      return;
    }
    // A token for a customer that does not exist would be useless: say so now.
    bus.request(Addresses.CUSTOMERS_GET, new JsonObject().put("id", customerId))
      .onSuccess(c -> Json.send(rc, 200, issuer.issue(c.getString("id"))))
      .onFailure(err -> Bus.fail(rc, err));
  }

  void revoke(RoutingContext rc) {
    Principal p = Principal.of(rc);
    if (p == null || p.jti() == null) {
      Problems.send(rc, 400, "this token has no id (jti) to revoke");
      return;
    }
    denylist.revoke(p.jti(), p.exp()).onSuccess(v -> rc.response().setStatusCode(204).end()).onFailure(err -> {
      LOG.warn("cannot revoke token {}: {}", p.jti(), err.getMessage());
      Problems.send(rc, 503, "revocation is unavailable right now (token store down); try again later");
    });
  }
}
