package com.favoriteproducts.bridge;

import com.favoriteproducts.config.JwtConfig;
import com.favoriteproducts.support.BridgeClient;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.favoriteproducts.support.BridgeClient.code;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("TCP event-bus bridge: per-socket and per-node limits")
class BridgeLimitsTest {

  static final int FRAMES_PER_SECOND = 20;

  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c
    .put("BRIDGE_MAX_FRAME_BYTES", 1024).put("BRIDGE_MAX_REGISTRATIONS", 2).put("BRIDGE_MAX_IN_FLIGHT", 2)
    .put("BRIDGE_MAX_FRAMES_PER_SECOND", FRAMES_PER_SECOND).put("BRIDGE_MAX_VIOLATIONS", 3)
    .put("BRIDGE_IDLE_TIMEOUT_MS", 2000).put("BRIDGE_MAX_CONNECTIONS", 3).put("JWT_LEEWAY_SECONDS", 0));

  private final List<BridgeClient> clients = new ArrayList<>();

  @AfterEach
  void closeClients() {
    clients.forEach(BridgeClient::close);
    clients.clear();
    app.fakeProducts.reset();
  }

  private BridgeClient connect() {
    BridgeClient c = BridgeClient.connect(app.vertx, app.bridgePort);
    clients.add(c);
    return c;
  }

  /** A socket of this test once the ones of earlier tests are gone (BRIDGE_MAX_CONNECTIONS is 3). */
  private BridgeClient connectServed() {
    BridgeClient[] out = new BridgeClient[1];
    Eventually.until(5000, "a bridge socket is accepted", () -> {
      BridgeClient c = BridgeClient.connect(app.vertx, app.bridgePort);
      c.send(new JsonObject().put("type", "ping"));
      JsonObject f = c.poll(x -> true, 2000);
      if (f != null && "pong".equals(f.getString("type"))) {
        out[0] = c;
        return true;
      }
      c.close();
      return false;
    });
    clients.add(out[0]);
    return out[0];
  }

  @Test
  @DisplayName("a frame over BRIDGE_MAX_FRAME_BYTES: err frame_too_large from its length prefix alone, then closed")
  void frameSize() {
    BridgeClient c = connectServed();
    c.sendRaw(Buffer.buffer().appendInt(1025).appendString("{\"type\""));
    JsonObject err = c.next(5000);
    assertThat(code(err)).isEqualTo("frame_too_large");
    assertThat(err.getString("message")).contains("1025").contains("1024");
    assertThat(c.awaitClosed(5000)).isTrue();
  }

  @Test
  @DisplayName("registrations past BRIDGE_MAX_REGISTRATIONS are refused; an unregister frees one")
  void registrations() {
    BridgeClient c = connectServed();
    String admin = app.adminToken();
    String a = "favorites.events." + UUID.randomUUID();
    String b = "favorites.events." + UUID.randomUUID();
    String third = "favorites.events." + UUID.randomUUID();
    assertThat(c.register(a, admin).getString("type")).isEqualTo("message");
    assertThat(c.register(b, admin).getString("type")).isEqualTo("message");
    assertThat(c.register(a, admin).getString("type")).as("registering again rebinds, no new slot").isEqualTo("message");
    JsonObject refused = c.register(third, admin);
    assertThat(code(refused)).isEqualTo("too_many_registrations");
    c.send(new JsonObject().put("type", "unregister").put("address", a));
    assertThat(c.register(third, admin).getString("type")).isEqualTo("message");
  }

  @Test
  @DisplayName("sends past BRIDGE_MAX_IN_FLIGHT are refused while the others wait for their replies")
  void inFlight() {
    BridgeClient c = connectServed();
    String token = app.adminToken();
    app.fakeProducts.faults(new JsonObject().put("latencyMs", 800));
    for (int i = 1; i <= 3; i++) {
      c.send(BridgeClient.sendFrame("products.get", new JsonObject().put("id", app.fakeProducts.newProduct()
        .getString("id")), token, "r-" + i));
    }
    JsonObject third = c.await(f -> "r-3".equals(f.getString("address")), 5000);
    assertThat(code(third)).isEqualTo("too_many_in_flight");
    assertThat(c.await(f -> "r-1".equals(f.getString("address")), 10_000).getString("type")).isEqualTo("message");
    assertThat(c.await(f -> "r-2".equals(f.getString("address")), 10_000).getString("type")).isEqualTo("message");
  }

  @Test
  @DisplayName("frames past BRIDGE_MAX_FRAMES_PER_SECOND are refused, and a client that goes on is closed")
  void framesPerSecond() {
    BridgeClient c = connectServed();
    Buffer burst = Buffer.buffer();
    for (int i = 0; i < 3 * FRAMES_PER_SECOND; i++) {
      burst.appendBuffer(BridgeClient.frame("{\"type\":\"ping\"}"));
    }
    c.sendRaw(burst);
    assertThat(c.awaitClosed(5000)).isTrue();
    List<JsonObject> frames = c.pending();
    long pongs = frames.stream().filter(f -> "pong".equals(f.getString("type"))).count();
    List<String> errors = frames.stream().filter(f -> "err".equals(f.getString("type"))).map(BridgeClient::code).toList();
    // The socket's own ping (connectServed) took one token.
    assertThat(pongs).isBetween((long) FRAMES_PER_SECOND - 2, (long) FRAMES_PER_SECOND + 1);
    assertThat(errors).hasSize(3).containsOnly("rate_limited");
    assertThat(frames.get(frames.size() - 1).getString("message")).contains("closing");
  }

  @Test
  @DisplayName("a socket that sends nothing for BRIDGE_IDLE_TIMEOUT_MS is closed; pings keep it open")
  void idle() {
    BridgeClient idle = connectServed();
    BridgeClient pinging = connectServed();
    long t0 = System.currentTimeMillis();
    while (System.currentTimeMillis() - t0 < 3500) {
      pinging.send(new JsonObject().put("type", "ping"));
      assertThat(pinging.next(2000).getString("type")).isEqualTo("pong");
      Eventually.elapse(500, "between pings");
    }
    assertThat(idle.awaitClosed(2000)).isTrue();
    assertThat(code(idle.pending().get(0))).isEqualTo("idle_timeout");
    assertThat(pinging.isClosed()).isFalse();
  }

  @Test
  @DisplayName("past BRIDGE_MAX_CONNECTIONS a socket gets err too_many_connections and is closed")
  void connections() {
    List<BridgeClient> three = List.of(connectServed(), connectServed(), connectServed());
    BridgeClient fourth = connect();
    JsonObject err = fourth.next(5000);
    assertThat(code(err)).isEqualTo("too_many_connections");
    assertThat(fourth.awaitClosed(5000)).isTrue();
    three.forEach(BridgeClient::close);
    assertThat(connectServed().isClosed()).isFalse();
  }

  @Test
  @DisplayName("a registration whose token expires is dropped with err unauthorized naming its address")
  void tokenExpiry() {
    BridgeClient c = connectServed();
    String customer = app.createCustomer(app.adminToken()).getString("id");
    JwtConfig jwt = JwtConfig.from(app.config);
    String shortLived = jwt.jwtAuth(app.vertx).generateToken(new JsonObject().put("scope", "customer")
        .put("jti", UUID.randomUUID().toString()),
      new JWTOptions().setAlgorithm("HS256").setIssuer(jwt.issuer()).setSubject(customer).setExpiresInSeconds(2));
    String address = "favorites.events." + customer;
    assertThat(c.register(address, shortLived).getString("type")).isEqualTo("message");
    JsonObject dropped = null;
    long t0 = System.currentTimeMillis();
    while (dropped == null && System.currentTimeMillis() - t0 < 6000) {
      c.send(new JsonObject().put("type", "ping")); // not idle meanwhile
      dropped = c.poll(f -> address.equals(f.getString("address")), 500);
    }
    assertThat(dropped).as("the registration was dropped").isNotNull();
    assertThat(code(dropped)).isEqualTo("unauthorized");
    assertThat(dropped.getString("message")).contains("expired");
    assertThat(System.currentTimeMillis() - t0).isGreaterThan(900);
  }
}
