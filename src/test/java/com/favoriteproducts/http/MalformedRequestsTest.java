package com.favoriteproducts.http;

import com.favoriteproducts.support.Problems;
import com.favoriteproducts.support.RawHttp;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests refused before any route runs (by the HTTP decoder or the router) get the same problem as the others.
 * Found by the contract fuzzer: they got a bare status with an empty or text/plain body. And a JSON body must be
 * UTF-8: the JSON decoder read overlong and surrogate encodings as characters (an overlong '/', a lone surrogate
 * stored as '?').
 */
@DisplayName("malformed requests get application/problem+json too")
class MalformedRequestsTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  private static JsonObject problem(String request, int status) {
    try (RawHttp http = new RawHttp("127.0.0.1", app.port, 10_000)) {
      RawHttp.Response r = http.exchange(request.getBytes(StandardCharsets.ISO_8859_1), false);
      assertThat(r.status()).as(r.text()).isEqualTo(status);
      assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
      JsonObject p = new JsonObject(r.text());
      assertThat(p.getInteger("status")).isEqualTo(status);
      assertThat(p.getString("title")).isNotBlank();
      assertThat(p.getString("type")).isNotBlank();
      assertThat(p.encode()).doesNotContain("Exception");
      return p;
    }
  }

  @Test
  @DisplayName("a header the HTTP decoder refuses (a NUL in a value, a name with a space, no colon) gets a 400 problem")
  void badHeaders() {
    problem("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n", 400);
    problem("GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n", 400);
    problem("GET /health/live HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", 400);
    problem("GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400);
  }

  @Test
  @DisplayName("headers over the limit get a 431 problem, a request line over the limit a 414 problem")
  void tooLarge() {
    problem("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(9000) + "\r\n\r\n", 431);
    problem("GET /health/live?pad=" + "p".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
  }

  @Test
  @DisplayName("a path with invalid percent-encoding, or a request without Host, gets a 400 problem")
  void badPath() {
    String auth = "Authorization: Bearer " + app.adminToken() + "\r\n";
    JsonObject p = problem("GET /v1/products/%zz HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 400);
    assertThat(p.getString("instance")).isNotNull();
    problem("GET /v1/customers/%%%garbage HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 400);
    problem("GET /health/live HTTP/1.1\r\n\r\n", 400);
  }

  @Test
  @DisplayName("a body that is not UTF-8 (overlong '/', an encoded surrogate, beyond U+10FFFF) gets a 400 naming the "
    + "body, and nothing is stored")
  void bodyNotUtf8() {
    String admin = app.adminToken();
    byte[][] bad = {{(byte) 0xc0, (byte) 0xaf}, {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xff}};
    for (byte[] b : bad) {
      String email = "utf8-" + UUID.randomUUID() + "@example.com";
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes("{\"name\":\"x".getBytes(StandardCharsets.UTF_8));
      body.writeBytes(b);
      body.writeBytes(("y\",\"email\":\"" + email + "\"}").getBytes(StandardCharsets.UTF_8));
      JsonObject p = problem(new String(body.toByteArray(), StandardCharsets.ISO_8859_1), "POST /v1/customers", admin, 400);
      assertThat(p.getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("body");
      long stored = await(app.db.preparedQuery("SELECT count(*) FROM customers WHERE email = $1").execute(Tuple.of(email)))
        .iterator().next().getLong(0);
      assertThat(stored).as("customers stored from a body with bytes %s", java.util.Arrays.toString(b)).isZero();
    }
  }

  private static JsonObject problem(String body, String requestLine, String token, int status) {
    return problem(requestLine + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
      + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, status);
  }

  @Test
  @DisplayName("a missing required property is named in errors[].field, not as 'body'")
  void missingPropertyNamed() {
    String admin = app.adminToken();
    HttpResponse<Buffer> r = await(app.http.post("/v1/customers").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("name", "No Email")));
    JsonArray errors = Problems.assertProblem(r, 400).getJsonArray("errors");
    assertThat(errors).isNotNull();
    assertThat(errors.stream().map(e -> ((JsonObject) e).getString("field"))).containsExactly("email");

    r = await(app.http.post("/v1/customers").bearerTokenAuthentication(admin).sendJsonObject(new JsonObject()));
    errors = Problems.assertProblem(r, 400).getJsonArray("errors");
    assertThat(errors.stream().map(e -> ((JsonObject) e).getString("field"))).containsExactlyInAnyOrder("name", "email");
  }

  @Test
  @DisplayName("a path with a '.' or '..' segment, literal or percent-encoded, is a 400 naming path: the router would"
    + " resolve it, and DELETE .../favorites/%2e%2e deleted the customer itself")
  void dotSegments() {
    String admin = app.adminToken();
    String id = app.createCustomer(admin).getString("id");
    for (String path : new String[] {"/v1/customers/" + id + "/favorites/%2e%2e", "/v1/customers/" + id + "/favorites/%2E%2e",
      "/v1/customers/" + id + "/favorites/..", "/v1/customers/" + id + "/./favorites", "/v1/customers/%2e/" + id}) {
      JsonObject p = problem("DELETE " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin
        + "\r\n\r\n", 400);
      assertThat(p.getJsonArray("errors").getJsonObject(0).getString("field")).as(path).isEqualTo("path");
    }
    HttpResponse<Buffer> still = await(app.http.get("/v1/customers/" + id).bearerTokenAuthentication(admin).send());
    assertThat(still.statusCode()).as("the customer is still there").isEqualTo(200);
    // A dot inside a segment is an ordinary character.
    assertThat(HttpVerticle.hasDotSegment("/v1/customers/a.b/favorites/..x")).isFalse();
  }
}
