package com.favoriteproducts.customer;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.bus.FieldError;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Hostile names and emails on every path that takes them (POST, PUT, PATCH, the email lookup, the event bus): never a
 * 5xx, never stored changed or as given, a 400 naming the field, and no row written or changed.
 */
@DisplayName("customer names and emails: one normalisation, hostile input refused with 400 on every path")
class CustomerInputTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();
  static String admin;

  @BeforeAll
  static void start() {
    admin = app.adminToken();
  }

  private static String freshLocal() {
    return "in-" + UUID.randomUUID();
  }

  /** Sends a raw JSON text, so that escapes such as a lone {@code \ud800} reach the service as written. */
  private HttpResponse<Buffer> send(HttpMethod method, String path, String json) {
    var req = app.http.request(method, path).bearerTokenAuthentication(admin).putHeader("Content-Type", "application/json");
    if (method == HttpMethod.PUT) {
      req.putHeader("If-Match", "*");
    }
    return await(req.sendBuffer(Buffer.buffer(json)));
  }

  private static String body(String nameJson, String emailJson) {
    return "{\"name\":\"" + nameJson + "\",\"email\":\"" + emailJson + "\"}";
  }

  private static void assertFields(HttpResponse<Buffer> r, String... fields) {
    JsonObject p = assertProblem(r, 400);
    List<String> named = p.getJsonArray("errors").stream().map(o -> ((JsonObject) o).getString("field")).toList();
    assertThat(named).as(r.bodyAsString()).containsExactlyInAnyOrder(fields);
  }

  private long count(String emailLike) {
    return await(app.db.preparedQuery("SELECT count(*) FROM customers WHERE email LIKE $1").execute(Tuple.of(emailLike)))
      .iterator().next().getLong(0);
  }

  private JsonObject stored(String id) {
    var rows = await(app.db.preparedQuery("SELECT name, email, version FROM customers WHERE id = $1")
      .execute(Tuple.of(UUID.fromString(id))));
    return rows.iterator().next().toJson();
  }

  private JsonObject create(String name, String email) {
    HttpResponse<Buffer> r = await(app.http.post("/v1/customers").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("name", name).put("email", email)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  @Test
  @DisplayName("an empty email gets 400 naming email on POST, PUT and PATCH (it was a 500)")
  void emptyEmail() {
    JsonObject c = create("Empty", freshLocal() + "@example.com");
    String path = "/v1/customers/" + c.getString("id");
    assertFields(send(HttpMethod.POST, "/v1/customers", body("x", "")), "email");
    assertFields(send(HttpMethod.PUT, path, body("x", "")), "email");
    assertFields(send(HttpMethod.PATCH, path, "{\"email\":\"\"}"), "email");
    assertFields(send(HttpMethod.PATCH, path, "{\"email\":\"   \"}"), "email");
    assertThat(stored(c.getString("id")).getInteger("version")).isEqualTo(1);
  }

  @Test
  @DisplayName("a NUL in a name or an email gets 400 naming the field (it was a 503), nothing is stored")
  void nul() {
    String local = freshLocal();
    assertFields(send(HttpMethod.POST, "/v1/customers", body("a\\u0000b", local + "@example.com")), "name");
    assertFields(send(HttpMethod.POST, "/v1/customers", body("ok", local + "\\u0000@example.com")), "email");
    assertThat(count(local + "%")).isZero();
    HttpResponse<Buffer> lookup = await(app.http.get("/v1/customers?email=a%00b%40example.com")
      .bearerTokenAuthentication(admin).send());
    assertFields(lookup, "email");
  }

  @Test
  @DisplayName("control characters in names (U+0001, ESC sequences, DEL, backspace, C1, line separators) get 400")
  void controlCharacters() {
    JsonObject c = create("Controls", freshLocal() + "@example.com");
    String path = "/v1/customers/" + c.getString("id");
    String local = freshLocal();
    for (String bad : new String[]{"a\\u0001b", "\\u001b[31mred\\u001b[0m", "del\\u007f", "back\\bspace",
      "tab\\there", "new\\nline", "c1\\u0085x", "csi\\u009bx", "sep\\u2028x", "par\\u2029x", "non\\uffffx"}) {
      assertFields(send(HttpMethod.POST, "/v1/customers", body(bad, local + "@example.com")), "name");
      assertFields(send(HttpMethod.PATCH, path, "{\"name\":\"" + bad + "\"}"), "name");
    }
    assertFields(send(HttpMethod.PUT, path, body("del\\u007f", local + "@example.com")), "name");
    assertThat(count(local + "%")).isZero();
    assertThat(stored(c.getString("id"))).isEqualTo(new JsonObject().put("name", "Controls")
      .put("email", c.getString("email")).put("version", 1));
  }

  @Test
  @DisplayName("a lone surrogate gets 400 naming the field instead of being stored as '?' (JSON escape or raw bytes)")
  void loneSurrogate() {
    String local = freshLocal();
    HttpResponse<Buffer> r = send(HttpMethod.POST, "/v1/customers", body("probe\\ud800x", local + "@example.com"));
    assertFields(r, "name");
    assertThat(r.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("message")).contains("U+D800");
    assertFields(send(HttpMethod.POST, "/v1/customers", body("probe\\udfffx", local + "@example.com")), "name");
    assertFields(send(HttpMethod.POST, "/v1/customers", body("ok", local + "\\ud800@example.com")), "email");
    // The same surrogate as (invalid) UTF-8 bytes: refused before decoding, as a body that is not UTF-8 (http/Utf8Bodies).
    Buffer raw = Buffer.buffer("{\"name\":\"a").appendBytes(new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80})
      .appendString("\",\"email\":\"" + local + "@example.com\"}");
    assertFields(await(app.http.post("/v1/customers").bearerTokenAuthentication(admin)
      .putHeader("Content-Type", "application/json").sendBuffer(raw)), "body");
    assertThat(count(local + "%")).isZero();
    // A valid pair (an emoji) is kept as it is.
    JsonObject ok = new JsonObject(send(HttpMethod.POST, "/v1/customers", body("smile \\ud83d\\ude00",
      local + "@example.com")).bodyAsString());
    assertThat(ok.getString("name")).isEqualTo("smile \ud83d\ude00");
    assertThat(stored(ok.getString("id")).getString("name")).isEqualTo("smile \ud83d\ude00");
  }

  @Test
  @DisplayName("emails that differ from a stored one only by invisible characters are refused or are the same email")
  void invisibleEmails() {
    String local = freshLocal();
    JsonObject first = create("First", local + "@domain.example");
    for (String inside : new String[]{"\\u0085", "\\u2028", "\\u2029", "\\u200b", "\\u200d", "\\u00ad", "\\ufeff",
      "\\u00a0", "\\u202e", " "}) {
      assertFields(send(HttpMethod.POST, "/v1/customers", body("Twin", local + inside + "@domain.example")), "email");
    }
    // Around the address, white space (Unicode's, U+0085 too) is trimmed: it is the same email, so 409.
    for (String around : new String[]{"\\u0085", "\\u2028", "\\u00a0", "\\u3000", " \\t"}) {
      HttpResponse<Buffer> r = send(HttpMethod.POST, "/v1/customers", body("Twin", around + local.toUpperCase()
        + "@DOMAIN.example" + around));
      assertProblem(r, 409);
    }
    assertFields(send(HttpMethod.POST, "/v1/customers", body("Twin", "\\ufeff" + local + "@domain.example")), "email");
    assertThat(count(local + "%")).isEqualTo(1);
    assertThat(stored(first.getString("id")).getString("email")).isEqualTo(local + "@domain.example");
  }

  @Test
  @DisplayName("names and emails are stored in NFC, so a decomposed twin of a stored email is the same email (409)")
  void nfc() {
    String local = freshLocal();
    JsonObject c = create("Jose\u0301", local + "jos\u00e9@example.com");
    assertThat(c.getString("name")).isEqualTo("Jos\u00e9");
    assertThat(stored(c.getString("id")).getString("name")).isEqualTo("Jos\u00e9");
    assertProblem(send(HttpMethod.POST, "/v1/customers", body("Twin", local + "JOSE\\u0301@example.com")), 409);
    HttpResponse<Buffer> found = await(app.http.get("/v1/customers").addQueryParam("email", local + "Jose\u0301@Example.com")
      .bearerTokenAuthentication(admin).send());
    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(found.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(c.getString("id"));
  }

  @Test
  @DisplayName("the 200-character limit of a name applies after trimming, in characters, on POST, PUT and PATCH")
  void nameLengthAfterTrim() {
    String padded = "     " + "n".repeat(200) + "     ";
    JsonObject c = create(padded, freshLocal() + "@example.com");
    assertThat(c.getString("name")).isEqualTo("n".repeat(200));
    String path = "/v1/customers/" + c.getString("id");
    String email = freshLocal() + "@example.com";
    assertThat(send(HttpMethod.PUT, path, body("\\u3000" + "p".repeat(200) + "\\u00a0", email)).statusCode()).isEqualTo(200);
    assertThat(stored(c.getString("id")).getString("name")).isEqualTo("p".repeat(200));
    assertThat(send(HttpMethod.PATCH, path, "{\"name\":\"" + "\\ud83d\\ude00".repeat(200) + "\"}").statusCode())
      .as("200 emoji are 200 characters").isEqualTo(200);
    assertFields(send(HttpMethod.PATCH, path, "{\"name\":\"" + "x".repeat(201) + "\"}"), "name");
    assertFields(send(HttpMethod.POST, "/v1/customers", body("  " + "x".repeat(201) + "  ", freshLocal() + "@example.com")),
      "name");
    HttpResponse<Buffer> email320 = send(HttpMethod.POST, "/v1/customers", body("ok", "   " + freshLocal() + "@example.com   "));
    assertThat(email320.statusCode()).as("an email with white space around is trimmed").isEqualTo(201);
  }

  @Test
  @DisplayName("the email lookup normalises and checks like a create: bad input 400 naming email, trimmed input finds")
  void lookup() {
    JsonObject c = create("Lookup", freshLocal() + "@example.com");
    for (String bad : new String[]{"a\u0000b@example.com", "a\u2028b@example.com", "a\u200bb@example.com", "nope"}) {
      HttpResponse<Buffer> r = await(app.http.get("/v1/customers").addQueryParam("email", bad)
        .bearerTokenAuthentication(admin).send());
      assertFields(r, "email");
    }
    // A lone surrogate cannot arrive in a query: percent-decoding turns bytes that are not UTF-8 into U+FFFD.
    assertFields(await(app.http.get("/v1/customers?email=a%ED%A0%80%40example.com").bearerTokenAuthentication(admin)
      .send()), "email");
    assertFields(await(app.http.get("/v1/customers?email=a%ff%40example.com").bearerTokenAuthentication(admin)
      .send()), "email");
    HttpResponse<Buffer> found = await(app.http.get("/v1/customers").addQueryParam("email", "\u00a0"
      + c.getString("email").toUpperCase() + " ").bearerTokenAuthentication(admin).send());
    assertThat(found.bodyAsJsonObject().getJsonArray("items").size()).isEqualTo(1);
  }

  @Test
  @DisplayName("a data exception from PostgreSQL (SQLSTATE class 22) is a 400, not a 503: the safety net behind validation")
  void dataExceptionIsClientError() {
    Throwable nul = catchThrowable(() -> await(app.db.preparedQuery("SELECT $1::text").execute(Tuple.of("a\u0000b"))));
    Throwable cause = nul instanceof AssertionError ? nul.getCause() : nul;
    assertThat(com.favoriteproducts.db.DbErrors.sqlState(cause)).isEqualTo("22021");
    assertThat(com.favoriteproducts.db.DbErrors.isDataException(cause)).isTrue();
    assertThat(CustomerVerticle.storageFailure(cause).code()).isEqualTo(400);
    Throwable overflow = catchThrowable(() -> await(app.db.query("SELECT 40000::smallint").execute()));
    overflow = overflow instanceof AssertionError ? overflow.getCause() : overflow;
    assertThat(CustomerVerticle.storageFailure(overflow).code()).as(String.valueOf(overflow)).isEqualTo(400);
    Throwable syntax = catchThrowable(() -> await(app.db.query("SELEC 1").execute()));
    syntax = syntax instanceof AssertionError ? syntax.getCause() : syntax;
    assertThat(CustomerVerticle.storageFailure(syntax).code()).isEqualTo(503);
    assertThat(CustomerVerticle.storageFailure(new IllegalStateException("pool closed")).code()).isEqualTo(503);
  }

  private BusFailure busFailure(String address, JsonObject body) {
    Throwable t = catchThrowable(() -> app.vertx.eventBus().request(address, body).await(10, TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(BusFailure.class);
    assertThat(((ReplyException) t).failureCode()).isEqualTo(400);
    return (BusFailure) t;
  }

  @Test
  @DisplayName("the event-bus addresses apply the same rules: 400 naming the field, nothing stored")
  void bus() {
    String local = freshLocal();
    assertThat(busFailure(Addresses.CUSTOMERS_CREATE, new JsonObject().put("name", "a\u0000b")
      .put("email", local + "@example.com")).errors()).extracting(FieldError::field).containsExactly("/name");
    assertThat(busFailure(Addresses.CUSTOMERS_CREATE, new JsonObject().put("name", "probe\ud800x")
      .put("email", local + "\u2028@example.com")).errors()).extracting(FieldError::field)
      .containsExactlyInAnyOrder("/name", "/email");
    assertThat(busFailure(Addresses.CUSTOMERS_LIST, new JsonObject().put("email", "a\u0000b@example.com")).errors())
      .extracting(FieldError::field).containsExactly("email");
    JsonObject c = create("Bus", local + "@example.com");
    assertThat(busFailure(Addresses.CUSTOMERS_PATCH, new JsonObject().put("id", c.getString("id"))
      .put("patch", new JsonObject().put("email", local + "\u0085@example.com"))).errors())
      .extracting(FieldError::field).containsExactly("/email");
    assertThat(busFailure(Addresses.CUSTOMERS_UPDATE, new JsonObject().put("id", c.getString("id"))
      .put("name", "esc\u001b").put("email", local + "@example.com")).errors())
      .extracting(FieldError::field).containsExactly("/name");
    JsonObject created = (JsonObject) await(app.vertx.eventBus().request(Addresses.CUSTOMERS_CREATE,
      new JsonObject().put("name", "\u3000Bus  Two\u0085").put("email", " " + local.toUpperCase() + "2@Example.com\u00a0")))
      .body();
    assertThat(created.getString("name")).isEqualTo("Bus  Two");
    assertThat(created.getString("email")).isEqualTo(local + "2@example.com");
    assertThat(count(local + "%")).isEqualTo(2);
  }

  @Test
  @DisplayName("no hostile name or email on any customer route gets a 5xx")
  void neverServerError() {
    JsonObject c = create("Target", freshLocal() + "@example.com");
    String path = "/v1/customers/" + c.getString("id");
    List<String> values = new ArrayList<>(List.of("", " ", "\\u0000", "\\ud800", "\\udfff\\ud800", "\\u0085", "\\u2028",
      "\\ufeff", "\\u200b", "\\u001b[2J", "\\\\", "\\\"", "@", "@@", "a@b", "x".repeat(400), " ".repeat(400),
      "\\ud83d\\ude00@example.com", "a@\\u0000.co", "a@b.co\\u0000"));
    List<String> seen = new ArrayList<>();
    for (String v : values) {
      for (HttpResponse<Buffer> r : List.of(
        send(HttpMethod.POST, "/v1/customers", body(v, v)),
        send(HttpMethod.POST, "/v1/customers", body("ok", v)),
        send(HttpMethod.PUT, path, body(v, freshLocal() + "@example.com")),
        send(HttpMethod.PATCH, path, "{\"email\":\"" + v + "\"}"),
        send(HttpMethod.PATCH, path, "{\"name\":\"" + v + "\"}"))) {
        seen.add(r.statusCode() + " " + v);
        assertThat(r.statusCode()).as(v + " -> " + r.bodyAsString()).isLessThan(500);
        if (r.statusCode() >= 400) {
          assertProblem(r, r.statusCode());
        }
      }
      HttpResponse<Buffer> lookup = await(app.http.get("/v1/customers").addQueryParam("email",
        new JsonArray("[\"" + v + "\"]").getString(0)).bearerTokenAuthentication(admin).send());
      assertThat(lookup.statusCode()).as(v + " -> " + lookup.bodyAsString()).isLessThan(500);
    }
    assertThat(seen).isNotEmpty();
  }
}
