package com.favoriteproducts.bridge;

import com.favoriteproducts.bus.FavoriteEvent;
import com.favoriteproducts.config.JwtConfig;
import com.favoriteproducts.support.BridgeClient;
import com.favoriteproducts.support.CloudEvents;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static com.favoriteproducts.support.BridgeClient.code;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("TCP event-bus bridge: allow-list, ownership, tokens, errors, malformed frames")
class BridgeApiTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  private final List<BridgeClient> clients = new ArrayList<>();
  private String admin;
  private String customer;
  private String token;
  private String other;
  private String otherToken;

  @BeforeEach
  void customers() {
    admin = app.adminToken();
    customer = app.createCustomer(admin).getString("id");
    token = app.customerToken(customer);
    other = app.createCustomer(admin).getString("id");
    otherToken = app.customerToken(other);
  }

  @AfterEach
  void closeClients() {
    clients.forEach(BridgeClient::close);
  }

  private BridgeClient connect() {
    BridgeClient c = BridgeClient.connect(app.vertx, app.bridgePort);
    clients.add(c);
    return c;
  }

  private static JsonObject ok(JsonObject frame) {
    assertThat(frame.getString("type")).as("frame %s", frame).isEqualTo("message");
    assertThat(frame.getBoolean("send")).isTrue();
    assertThat(frame.getJsonObject("headers")).isEqualTo(new JsonObject());
    return frame.getJsonObject("body");
  }

  private static void refused(JsonObject frame, String expectedCode) {
    assertThat(frame.getString("type")).as("frame %s", frame).isEqualTo("err");
    assertThat(code(frame)).as("frame %s", frame).isEqualTo(expectedCode);
    assertThat(frame.containsKey("body")).isFalse();
    assertThat(frame.containsKey("failureCode")).isFalse();
  }

  private long favorites(String customerId, String productId) {
    return await(app.db.preparedQuery("SELECT count(*) FROM favorites WHERE customer_id = $1 AND product_id = $2")
      .execute(Tuple.of(UUID.fromString(customerId), UUID.fromString(productId)))).iterator().next().getLong(0);
  }

  private long jobs(String customerId) {
    return await(app.db.preparedQuery("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1")
      .execute(Tuple.of(UUID.fromString(customerId)))).iterator().next().getLong(0);
  }

  @Test
  @DisplayName("every allowed address works for its owner: bodies as docs/event-bus.md, the add stored, its event delivered")
  void ownerCanUseEveryAllowedAddress() {
    BridgeClient c = connect();
    String product = app.fakeProducts.newProduct().getString("id");

    assertThat(ok(c.request("customers.get", new JsonObject().put("id", customer), token)).getString("id"))
      .isEqualTo(customer);
    assertThat(ok(c.request("products.get", new JsonObject().put("id", product), token)).getString("availability"))
      .isEqualTo("AVAILABLE");
    JsonArray many = ok(c.request("products.getMany", new JsonObject().put("ids", new JsonArray().add(product)), token))
      .getJsonArray("products");
    assertThat(many).hasSize(1);
    assertThat(many.getJsonObject(0).getString("id")).isEqualTo(product);

    // Registered first (the acknowledgement comes once the consumer is in place), then the add: its CloudEvent.
    JsonObject ack = ok(c.register("favorites.events." + customer.toUpperCase(Locale.ROOT), token));
    assertThat(ack).isEqualTo(new JsonObject().put("registered", "favorites.events." + customer));
    JsonObject added = ok(c.request("favorites.add", new JsonObject().put("customerId", customer)
      .put("productId", product), token));
    assertThat(added.getString("state")).isEqualTo("pending");
    String jobId = added.getJsonObject("job").getString("jobId");
    JsonObject event = c.await(f -> ("favorites.events." + customer).equals(f.getString("address")), 15_000);
    assertThat(event.getString("type")).isEqualTo("message");
    assertThat(event.getBoolean("send")).isFalse();
    assertThat(event.getJsonObject("headers")).isEqualTo(new JsonObject());
    CloudEvents.assertFavoriteEvent(event.getJsonObject("body"), FavoriteEvent.Kind.ADDED, customer, product);
    assertThat(favorites(customer, product)).isEqualTo(1);

    JsonObject job = ok(c.request("jobs.get", new JsonObject().put("jobId", jobId), token));
    assertThat(job.getString("status")).isEqualTo("done");
    assertThat(job.getString("customerId")).isEqualTo(customer);
    assertThat(ok(c.request("favorites.get", new JsonObject().put("customerId", customer).put("productId", product),
      token)).getString("productId")).isEqualTo(product);
    // A client header asking for another reply form is not forwarded: the page is a JSON object as usual.
    JsonObject listFrame = BridgeClient.sendFrame("favorites.list", new JsonObject().put("customerId", customer),
      token, "list-1");
    listFrame.getJsonObject("headers").put("reply-as", "json-bytes");
    c.send(listFrame);
    JsonArray items = ok(c.await(f -> "list-1".equals(f.getString("address")), 10_000)).getJsonArray("items");
    assertThat(items).hasSize(1);
    assertThat(items.getJsonObject(0).getString("productId")).isEqualTo(product);

    JsonObject removed = ok(c.request("favorites.remove", new JsonObject().put("customerId", customer)
      .put("productId", product), token));
    assertThat(removed.getBoolean("deleted")).isTrue();
    assertThat(favorites(customer, product)).isZero();
    CloudEvents.assertFavoriteEvent(c.await(f -> ("favorites.events." + customer).equals(f.getString("address")),
      15_000).getJsonObject("body"), FavoriteEvent.Kind.REMOVED, customer, product);

    JsonObject unack = ok(c.send(new JsonObject().put("type", "unregister").put("address", "favorites.events." + customer)
      .put("replyAddress", "u-1")).await(f -> "u-1".equals(f.getString("address")), 5000));
    assertThat(unack).isEqualTo(new JsonObject().put("unregistered", "favorites.events." + customer));
    refused(c.send(new JsonObject().put("type", "unregister").put("address", "favorites.events." + customer)
      .put("replyAddress", "u-2")).await(f -> "u-2".equals(f.getString("address")), 5000), "unknown_address");
  }

  @Test
  @DisplayName("another customer's token is refused on every owned address, and nothing happens")
  void otherCustomerIsRefused() {
    BridgeClient c = connect();
    String product = app.fakeProducts.newProduct().getString("id");
    for (String address : List.of("favorites.list", "favorites.get", "favorites.add", "favorites.remove")) {
      JsonObject r = c.request(address, new JsonObject().put("customerId", customer).put("productId", product),
        otherToken);
      refused(r, "access_denied");
    }
    refused(c.request("customers.get", new JsonObject().put("id", customer), otherToken), "access_denied");
    refused(c.register("favorites.events." + customer, otherToken), "access_denied");
    assertThat(jobs(customer)).isZero();

    // A job of the customer: its owner reads it, the other customer gets access_denied and not the job.
    JsonObject added = ok(c.request("favorites.add", new JsonObject().put("customerId", customer)
      .put("productId", product), token));
    String jobId = added.getJsonObject("job").getString("jobId");
    assertThat(ok(c.request("jobs.get", new JsonObject().put("jobId", jobId), token)).getString("jobId"))
      .isEqualTo(jobId);
    JsonObject denied = c.request("jobs.get", new JsonObject().put("jobId", jobId), otherToken);
    refused(denied, "access_denied");
    assertThat(denied.encode()).doesNotContain(customer).doesNotContain(product);
  }

  @Test
  @DisplayName("the admin token may name any customer")
  void adminMayNameAnyCustomer() {
    BridgeClient c = connect();
    assertThat(ok(c.request("customers.get", new JsonObject().put("id", other), admin)).getString("id")).isEqualTo(other);
    assertThat(ok(c.request("favorites.list", new JsonObject().put("customerId", other), admin))
      .getJsonArray("items")).isEmpty();
    assertThat(ok(c.register("favorites.events." + other, admin)).getString("registered"))
      .isEqualTo("favorites.events." + other);
  }

  @Test
  @DisplayName("every other address and every publish is refused, for the admin token too, and nothing happens")
  void everythingElseIsRefused() {
    BridgeClient c = connect();
    for (String address : List.of("customers.delete", "customers.list", "customers.create", "customers.update",
      "customers.patch", "customers.health", "jobs.dead.replay", "jobs.dead.list", "jobs.publish",
      "jobs.completed." + UUID.randomUUID(), "jobs.events.relay", "jobs.health", "products.health",
      "favorites.added", "favorites.events." + customer, "no.such.address")) {
      refused(c.request(address, new JsonObject().put("id", customer).put("customerId", customer)
        .put("name", "X").put("email", "x-" + UUID.randomUUID() + "@example.com"), admin), "access_denied");
    }
    for (String address : List.of("customers.delete", "favorites.events." + customer, "favorites.added")) {
      c.send(new JsonObject().put("type", "publish").put("address", address).put("replyAddress", "p-" + address)
        .put("body", new JsonObject().put("id", customer))
        .put("headers", new JsonObject().put("authorization", "Bearer " + admin)));
      refused(c.await(f -> ("p-" + address).equals(f.getString("address")), 5000), "access_denied");
    }
    for (String address : List.of("favorites.events.relay", "favorites.events." + customer + "x", "customers.get",
      "favorites.add", "jobs.completed." + UUID.randomUUID(), "jobs.events.relay", "favorites.added")) {
      refused(c.register(address, admin), "access_denied");
    }
    // The customer is still there; nothing was created.
    assertThat(ok(c.request("customers.get", new JsonObject().put("id", customer), admin)).getString("id"))
      .isEqualTo(customer);
    assertThat(await(app.db.query("SELECT count(*) FROM customers WHERE name = 'X'").execute()).iterator().next()
      .getLong(0)).isZero();
  }

  @Test
  @DisplayName("missing, forged, expired and revoked tokens are refused; a revoked token's registration is dropped")
  void tokens() {
    BridgeClient c = connect();
    JsonObject get = new JsonObject().put("id", customer);
    refused(c.request("customers.get", get, null), "unauthorized");
    JsonObject basic = BridgeClient.sendFrame("customers.get", get, null, "basic");
    c.send(basic.put("headers", new JsonObject().put("authorization", "Basic " + token)));
    refused(c.await(f -> "basic".equals(f.getString("address")), 5000), "unauthorized");
    refused(c.request("customers.get", get, "not-a-jwt"), "unauthorized");

    JwtConfig real = JwtConfig.from(app.config);
    JwtConfig forgedKey = new JwtConfig("HS256", "another-secret-" + UUID.randomUUID(), "", "", real.issuer(), 3600,
      real.leewaySeconds(), "x");
    String forged = forgedKey.jwtAuth(app.vertx).generateToken(claims(customer),
      new JWTOptions().setAlgorithm("HS256").setIssuer(real.issuer()).setSubject(customer).setExpiresInSeconds(3600));
    refused(c.request("customers.get", get, forged), "unauthorized");
    refused(c.register("favorites.events." + customer, forged), "unauthorized");

    String expired = real.jwtAuth(app.vertx).generateToken(claims(customer)
        .put("exp", System.currentTimeMillis() / 1000 - 3600),
      new JWTOptions().setAlgorithm("HS256").setIssuer(real.issuer()).setSubject(customer));
    refused(c.request("customers.get", get, expired), "unauthorized");

    // Revoked over HTTP: refused on the next frame, and its registration dropped with an err naming the address.
    String doomed = app.customerToken(customer);
    assertThat(ok(c.register("favorites.events." + customer, doomed)).getString("registered")).isNotNull();
    assertThat(ok(c.request("customers.get", get, doomed)).getString("id")).isEqualTo(customer);
    assertThat(await(app.http.post("/v1/auth/revoke").bearerTokenAuthentication(doomed).send()).statusCode())
      .isEqualTo(204);
    refused(c.request("customers.get", get, doomed), "unauthorized");
    JsonObject dropped = c.await(f -> ("favorites.events." + customer).equals(f.getString("address")), 5000);
    refused(dropped, "unauthorized");
    assertThat(dropped.getString("message")).contains("revoked");
    // No event reaches the socket any more.
    String product = app.fakeProducts.newProduct().getString("id");
    assertThat(await(app.http.put("/v1/customers/" + customer + "/favorites/" + product)
      .bearerTokenAuthentication(admin).putHeader("Prefer", "wait=10").send()).statusCode()).isEqualTo(201);
    assertThat(c.poll(f -> ("favorites.events." + customer).equals(f.getString("address")), 1000)).isNull();
    // The socket still serves a valid token.
    assertThat(ok(c.request("customers.get", get, token)).getString("id")).isEqualTo(customer);
  }

  private static JsonObject claims(String customerId) {
    return new JsonObject().put("scope", "customer").put("jti", UUID.randomUUID().toString());
  }

  @Test
  @DisplayName("a verticle's failure comes back as err with its failureCode, type and message (and fields for a 400)")
  void verticleFailures() {
    BridgeClient c = connect();
    String unknown = UUID.randomUUID().toString();
    JsonObject notFound = c.request("customers.get", new JsonObject().put("id", unknown), admin);
    assertThat(notFound.getString("type")).isEqualTo("err");
    assertThat(notFound.getInteger("failureCode")).isEqualTo(404);
    assertThat(notFound.getString("failureType")).isEqualTo("RECIPIENT_FAILURE");
    assertThat(notFound.getString("sourceAddress")).isEqualTo("customers.get");
    assertThat(notFound.getString("message")).isNotBlank();

    JsonObject bad = c.request("favorites.get", new JsonObject().put("customerId", "not-a-uuid")
      .put("productId", "nope"), admin);
    assertThat(bad.getInteger("failureCode")).isEqualTo(400);
    assertThat(bad.getJsonArray("errors")).isNotEmpty();
    assertThat(bad.getJsonArray("errors").getJsonObject(0).getString("field")).isNotBlank();

    JsonObject noProduct = c.request("products.get", new JsonObject().put("id", UUID.randomUUID().toString()), token);
    assertThat(noProduct.getInteger("failureCode")).isEqualTo(404);

    // Bodies of the wrong shape never reach the verticle as such.
    refused(c.request("customers.get", new JsonArray().add(customer), token), "invalid_frame");
    refused(c.request("favorites.list", new JsonObject(), token), "invalid_frame");
    refused(c.request("favorites.list", new JsonObject().put("customerId", 42), admin), "invalid_frame");
    refused(c.request("products.get", "just text", token), "invalid_frame");
  }

  @Test
  @DisplayName("malformed frames each get an err frame; the socket and the others keep being served")
  void malformedFrames() {
    BridgeClient bad = connect();
    BridgeClient good = connect();
    bad.sendRaw(BridgeClient.frame("{not json"));
    refused(bad.next(5000), "invalid_frame");
    bad.sendRaw(BridgeClient.frame("[1,2,3]"));
    refused(bad.next(5000), "invalid_frame");
    bad.send(new JsonObject().put("type", "shout").put("address", "customers.get").put("replyAddress", "t-1"));
    JsonObject unknownType = bad.next(5000);
    refused(unknownType, "unknown_type");
    assertThat(unknownType.getString("address")).isEqualTo("t-1");
    bad.send(new JsonObject().put("type", "send").put("replyAddress", "t-2"));
    refused(bad.next(5000), "missing_address");
    bad.send(new JsonObject().put("type", "send").put("address", 42));
    refused(bad.next(5000), "invalid_frame");
    bad.send(new JsonObject().put("type", 7).put("address", "customers.get"));
    refused(bad.next(5000), "invalid_frame");
    bad.send(new JsonObject().put("type", "send").put("address", "customers.get").put("headers", "Bearer x"));
    refused(bad.next(5000), "invalid_frame");
    bad.send(new JsonObject().put("type", "send").put("address", "customers.get").put("replyAddress", 5));
    refused(bad.next(5000), "invalid_frame");
    bad.sendRaw(Buffer.buffer().appendInt(0));
    refused(bad.next(5000), "invalid_frame");

    // Both sockets are still served (9 violations so far: under BRIDGE_MAX_VIOLATIONS, 10).
    bad.send(new JsonObject().put("type", "ping"));
    assertThat(bad.next(5000)).isEqualTo(new JsonObject().put("type", "pong"));
    assertThat(ok(good.request("customers.get", new JsonObject().put("id", customer), token)).getString("id"))
      .isEqualTo(customer);
    assertThat(ok(bad.request("customers.get", new JsonObject().put("id", customer), token)).getString("id"))
      .isEqualTo(customer);
    assertThat(bad.isClosed()).isFalse();

    // One more breach reaches BRIDGE_MAX_VIOLATIONS: err, then closed; the other socket is unaffected.
    bad.sendRaw(BridgeClient.frame("\"text\""));
    JsonObject last = bad.next(5000);
    refused(last, "invalid_frame");
    assertThat(last.getString("message")).contains("closing");
    assertThat(bad.awaitClosed(5000)).isTrue();
    good.send(new JsonObject().put("type", "ping"));
    assertThat(good.next(5000)).isEqualTo(new JsonObject().put("type", "pong"));
  }

  @Test
  @DisplayName("a length prefix above BRIDGE_MAX_FRAME_BYTES is refused before the body is sent, and the socket closed")
  void oversizedFrame() {
    BridgeClient c = connect();
    c.sendRaw(Buffer.buffer().appendInt(65537));
    JsonObject err = c.next(5000);
    refused(err, "frame_too_large");
    assertThat(c.awaitClosed(5000)).isTrue();
    // At the limit is fine.
    BridgeClient ok = connect();
    String pad = "x".repeat(65536 - 40);
    String text = new JsonObject().put("type", "ping").put("pad", pad).encode();
    text = text + " ".repeat(65536 - text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    ok.sendRaw(BridgeClient.frame(text));
    assertThat(ok.next(5000)).isEqualTo(new JsonObject().put("type", "pong"));
  }

  @Test
  @DisplayName("/metrics shows the open sockets and the frames by type and outcome")
  void metrics() {
    BridgeClient c = connect();
    refused(c.request("customers.delete", new JsonObject().put("id", customer), admin), "access_denied");
    ok(c.request("customers.get", new JsonObject().put("id", customer), token));
    String text = await(app.http.get("/metrics").send()).bodyAsString();
    assertThat(text).containsPattern("bridge_frames_total\\{[^}]*outcome=\"access_denied\",type=\"send\"[^}]*} [1-9]")
      .containsPattern("bridge_frames_total\\{[^}]*outcome=\"ok\",type=\"send\"[^}]*} [1-9]")
      .containsPattern("bridge_connections [1-9]");
  }

  @Test
  @DisplayName("customers.get by a customer of itself with an upper-case id is the same customer (ids compared case-insensitively)")
  void upperCaseOwnId() {
    BridgeClient c = connect();
    assertThat(ok(c.request("customers.get", new JsonObject().put("id", customer.toUpperCase(Locale.ROOT)), token))
      .getString("id")).isEqualTo(customer);
  }
}
