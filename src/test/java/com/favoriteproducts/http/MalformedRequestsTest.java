package com.favoriteproducts.http;

import com.favoriteproducts.support.Problems;
import com.favoriteproducts.support.RawHttp;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests refused before any route runs (by the HTTP decoder or the router) get the same problem as the others.
 * Found by the contract fuzzer: they got a bare status with an empty or text/plain body.
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
}
