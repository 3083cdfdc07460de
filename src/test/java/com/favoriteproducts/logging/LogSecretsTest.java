package com.favoriteproducts.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.LogCapture;
import com.favoriteproducts.support.TestApp;
import com.favoriteproducts.support.WebhookReceiver;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's log of a full run, written by {@link JsonLayout} (what {@code LOG_FORMAT=json} writes) with
 * com.favoriteproducts at DEBUG: every line is a JSON object with the required fields, lines written while handling a
 * request carry its id (also in the verticle behind the event bus), and no line holds the API token, the JWT secret,
 * an issued JWT (or its signature), a test customer's email or a webhook secret.
 */
@DisplayName("logs (LOG_FORMAT=json): one JSON object per line with the context fields, and never a secret or an email")
class LogSecretsTest {

  static final List<String> FIELDS = List.of("timestamp", "level", "logger", "message", "thread", "requestId",
    "traceId", "spanId", "node");

  /** The strings no log line may contain, and each line's shape; the failures found, empty when none. */
  static List<String> check(Iterable<String> lines, List<String> forbidden) {
    List<String> problems = new ArrayList<>();
    for (String line : lines) {
      if (!line.endsWith("\n") || line.indexOf('\n') != line.length() - 1) {
        problems.add("not one line: " + line);
      }
      JsonObject json;
      try {
        json = new JsonObject(line);
      } catch (DecodeException e) {
        problems.add("not JSON: " + line);
        continue;
      }
      for (String f : FIELDS) {
        if (!json.containsKey(f)) {
          problems.add("no field " + f + ": " + line);
        }
      }
      if (!json.getString("timestamp", "").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z")) {
        problems.add("timestamp not ISO-8601 UTC with ms: " + line);
      }
      if (json.getString("node") == null || json.getString("node").isEmpty()) {
        problems.add("no node id: " + line);
      }
      String lower = line.toLowerCase(Locale.ROOT);
      for (String secret : forbidden) {
        if (line.contains(secret) || lower.contains(secret.toLowerCase(Locale.ROOT))) {
          problems.add("holds a secret or an email (" + secret.substring(0, Math.min(6, secret.length())) + "...): "
            + line);
        }
      }
    }
    return problems;
  }

  @Test
  @DisplayName("the check itself: it catches a line with an email, a JWT signature, a non-JSON line, a missing field")
  void checkCanFail() {
    String email = "Someone-" + UUID.randomUUID() + "@Example.com";
    String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXBhcnQtb2YtdGhlLWp3dA";
    String sig = jwt.substring(jwt.lastIndexOf('.') + 1);
    ILoggingEvent clean = event("customer created");
    String good = new JsonLayout().doLayout(clean);
    assertThat(check(List.of(good), List.of(email, jwt, sig))).isEmpty();
    assertThat(check(List.of(new JsonLayout().doLayout(event("created " + email.toLowerCase(Locale.ROOT)))),
      List.of(email))).singleElement().asString().contains("holds a secret");
    assertThat(check(List.of(new JsonLayout().doLayout(event("bad token ..." + sig))), List.of(jwt, sig)))
      .singleElement().asString().contains("holds a secret");
    assertThat(check(List.of("12:00:00.000 INFO [main] x - hello\n"), List.of())).singleElement().asString()
      .startsWith("not JSON");
    assertThat(check(List.of(good.replace("\"spanId\"", "\"other\"")), List.of())).singleElement().asString()
      .startsWith("no field spanId");
  }

  @Test
  @DisplayName("the layout escapes the message and writes an exception as a field with class, message and stack")
  void exceptionField() {
    ch.qos.logback.classic.spi.LoggingEvent e = new ch.qos.logback.classic.spi.LoggingEvent("x",
      (Logger) LoggerFactory.getLogger("test.Logger"), Level.ERROR, "a \"quoted\"\nmessage\t\u0001",
      new IllegalStateException("outer", new RuntimeException("inner")), null);
    JsonObject json = new JsonObject(new JsonLayout().doLayout(e));
    assertThat(json.getString("message")).isEqualTo("a \"quoted\"\nmessage\t\u0001");
    assertThat(json.getString("level")).isEqualTo("ERROR");
    assertThat(json.getString("logger")).isEqualTo("test.Logger");
    assertThat(json.getString("requestId")).isNull(); // no Vert.x context here
    JsonObject ex = json.getJsonObject("exception");
    assertThat(ex.getString("class")).isEqualTo("java.lang.IllegalStateException");
    assertThat(ex.getString("message")).isEqualTo("outer");
    assertThat(ex.getString("stack")).contains("at com.favoriteproducts.logging.LogSecretsTest.exceptionField")
      .contains("Caused by: java.lang.RuntimeException: inner");
    assertThat(new JsonObject(new JsonLayout().doLayout(event("no exception"))).containsKey("exception")).isFalse();
  }

  private static ILoggingEvent event(String message) {
    return new ch.qos.logback.classic.spi.LoggingEvent("x", (Logger) LoggerFactory.getLogger("test.Logger"),
      Level.INFO, message, null, null);
  }

  @Test
  @DisplayName("a full run (tokens, customers incl. a duplicate and an invalid email, favorites, an unknown product,"
    + " bad/expired/revoked tokens, a webhook) logs JSON lines with request ids and no token, secret or email")
  void fullRun() throws Exception {
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = lc.getLogger(Logger.ROOT_LOGGER_NAME);
    Logger ours = lc.getLogger("com.favoriteproducts");
    Level before = ours.getLevel();
    LogCapture capture = new LogCapture();
    capture.setContext(lc);
    capture.start();
    root.addAppender(capture);
    ours.setLevel(Level.DEBUG);
    List<String> forbidden = new ArrayList<>();
    try (TestApp app = TestApp.start(); WebhookReceiver receiver = WebhookReceiver.start()) {
      forbidden.add(TestApp.API_TOKEN);
      forbidden.add(app.config.getString("JWT_SECRET"));
      String admin = app.adminToken();
      jwt(forbidden, admin);

      // a webhook with its secret (deliveries of the adds below go to the receiver)
      HttpResponse<Buffer> hook = await(app.http.post("/v1/admin/webhooks").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("url", receiver.url())
          .put("events", new io.vertx.core.json.JsonArray().add("favorite.added").add("favorite.removed"))));
      assertThat(hook.statusCode()).isEqualTo(201);
      String hookId = hook.bodyAsJsonObject().getString("id");
      String hookSecret = hook.bodyAsJsonObject().getString("secret");
      forbidden.add(hookSecret);
      forbidden.add(hookSecret.substring("whsec_".length()));

      // customers: create, duplicate, invalid, get, update, list (also by email), delete
      String email = "Log-" + UUID.randomUUID() + "@Example.com";
      forbidden.add(email);
      HttpResponse<Buffer> created = await(app.http.post("/v1/customers").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("name", "Log Test").put("email", email)));
      assertThat(created.statusCode()).isEqualTo(201);
      String id = created.bodyAsJsonObject().getString("id");
      assertThat(await(app.http.post("/v1/customers").bearerTokenAuthentication(admin).putHeader("X-Request-Id",
          "dup-" + UUID.randomUUID()).sendJsonObject(new JsonObject().put("name", "Dup").put("email",
          email.toLowerCase(Locale.ROOT)))).statusCode()).isEqualTo(409);
      String invalid = "not-an-email-" + UUID.randomUUID() + "@";
      forbidden.add(invalid);
      assertThat(await(app.http.post("/v1/customers").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("name", "Bad").put("email", invalid))).statusCode()).isEqualTo(400);
      HttpResponse<Buffer> got = await(app.http.get("/v1/customers/" + id).bearerTokenAuthentication(admin).send());
      assertThat(got.statusCode()).isEqualTo(200);
      String email2 = "Log2-" + UUID.randomUUID() + "@Example.com";
      forbidden.add(email2);
      HttpResponse<Buffer> updated = await(app.http.put("/v1/customers/" + id).bearerTokenAuthentication(admin)
        .putHeader("If-Match", got.getHeader("ETag"))
        .sendJsonObject(new JsonObject().put("name", "Log Test 2").put("email", email2)));
      assertThat(updated.statusCode()).isEqualTo(200);
      assertThat(await(app.http.get("/v1/customers").bearerTokenAuthentication(admin).send()).statusCode())
        .isEqualTo(200);
      HttpResponse<Buffer> byEmail = await(app.http.get("/v1/customers").addQueryParam("email", email2)
        .bearerTokenAuthentication(admin).send());
      assertThat(byEmail.statusCode()).isEqualTo(200);
      assertThat(byEmail.bodyAsJsonObject().getJsonArray("items")).hasSize(1);

      // favorites as the customer: add (stored), list, an unknown product, remove
      String customer = app.customerToken(id);
      jwt(forbidden, customer);
      String product = app.fakeProducts.newProduct().getString("id");
      HttpResponse<Buffer> added = await(app.http.put("/v1/customers/" + id + "/favorites/" + product)
        .bearerTokenAuthentication(customer).putHeader("Prefer", "wait=10").send());
      assertThat(added.statusCode()).isEqualTo(201);
      assertThat(await(app.http.get("/v1/customers/" + id + "/favorites").bearerTokenAuthentication(customer).send())
        .bodyAsJsonObject().getJsonArray("items")).hasSize(1);
      HttpResponse<Buffer> unknown = await(app.http.put("/v1/customers/" + id + "/favorites/no-such-" + UUID.randomUUID())
        .bearerTokenAuthentication(customer).putHeader("Prefer", "wait=10").send());
      assertThat(unknown.statusCode()).isBetween(400, 499);
      assertThat(await(app.http.delete("/v1/customers/" + id + "/favorites/" + product)
        .bearerTokenAuthentication(customer).send()).statusCode()).isEqualTo(204);

      // bad, expired and revoked tokens
      assertThat(await(app.http.get("/v1/customers/" + id).bearerTokenAuthentication("garbage").send()).statusCode())
        .isEqualTo(401);
      assertThat(await(app.http.post("/v1/auth/token").sendJsonObject(new JsonObject().put("token", "wrong-"
        + TestApp.API_TOKEN))).statusCode()).isEqualTo(401);
      JWTAuth sameKey = JWTAuth.create(app.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(app.config.getString("JWT_SECRET"))));
      long past = System.currentTimeMillis() / 1000 - 7200;
      String expired = sameKey.generateToken(new JsonObject().put("scope", "admin").put("jti", UUID.randomUUID()
        .toString()).put("iat", past).put("exp", past + 60), new JWTOptions().setIssuer("favorite-products")
        .setSubject("admin").setNoTimestamp(true));
      jwt(forbidden, expired);
      assertThat(await(app.http.get("/v1/customers/" + id).bearerTokenAuthentication(expired).send()).statusCode())
        .isEqualTo(401);
      String revoked = app.adminToken();
      jwt(forbidden, revoked);
      assertThat(await(app.http.post("/v1/auth/revoke").bearerTokenAuthentication(revoked).send()).statusCode())
        .isEqualTo(204);
      assertThat(await(app.http.get("/v1/customers/" + id).bearerTokenAuthentication(revoked).send()).statusCode())
        .isEqualTo(401);

      // the customer goes; the webhook goes
      HttpResponse<Buffer> latest = await(app.http.get("/v1/customers/" + id).bearerTokenAuthentication(admin).send());
      assertThat(await(app.http.delete("/v1/customers/" + id).bearerTokenAuthentication(admin)
        .putHeader("If-Match", latest.getHeader("ETag")).send()).statusCode()).isEqualTo(204);
      Eventually.until(10_000, "the webhook deliveries of the add and the remove", () -> receiver.received().size() >= 2);
      assertThat(await(app.http.delete("/v1/admin/webhooks/" + hookId).bearerTokenAuthentication(admin).send())
        .statusCode()).isEqualTo(204);
    } finally {
      root.detachAppender(capture);
      ours.setLevel(before);
    }
    List<String> lines = new ArrayList<>(capture.lines);
    // Kept for a reader (and for a failure's diagnosis): the run's log as LOG_FORMAT=json writes it.
    java.nio.file.Files.writeString(java.nio.file.Path.of("target", "log-secrets-run.jsonl"), String.join("", lines));
    assertThat(lines).as("lines captured").hasSizeGreaterThan(20);
    assertThat(check(lines, forbidden)).isEmpty();
    List<JsonObject> json = lines.stream().map(JsonObject::new).toList();
    assertThat(json).as("some line was written while handling a request, with its id")
      .anyMatch(j -> j.getString("requestId") != null && j.getString("logger").endsWith("HttpVerticle"));
    assertThat(json.stream().filter(j -> j.getString("logger").endsWith("HttpVerticle")
      && j.getString("message").contains(" answered ")).toList()).as("every request's DEBUG line carries its id")
      .hasSizeGreaterThan(15).allMatch(j -> j.getString("requestId") != null);
    assertThat(json).as("the customer verticle's line for the duplicate carries the id sent by the client")
      .anyMatch(j -> j.getString("requestId") != null && j.getString("requestId").startsWith("dup-")
        && j.getString("logger").contains("customer") && j.getString("message").contains("409"));
    assertThat(json).as("lines outside any request have no request id")
      .anyMatch(j -> j.getString("requestId") == null);
  }

  /** The JWT, and its signature part on its own, may appear in no line. */
  private static void jwt(List<String> forbidden, String token) {
    forbidden.add(token);
    forbidden.add(token.substring(token.lastIndexOf('.') + 1));
  }
}
