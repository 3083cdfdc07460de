package com.favoriteproducts.http;

import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("errors are RFC 9457 problems, never a 5xx for bad input")
class ErrorsTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();
  static String admin;

  @BeforeAll
  static void start() {
    admin = app.adminToken();
  }

  private HttpResponse<Buffer> post(String contentType, Buffer body) {
    var req = app.http.post("/v1/customers").bearerTokenAuthentication(admin);
    if (contentType != null) {
      req.putHeader("Content-Type", contentType);
    }
    return await(body == null ? req.send() : req.sendBuffer(body));
  }

  @Test
  @DisplayName("malformed JSON gets 400")
  void malformedJson() {
    JsonObject p = assertProblem(post("application/json", Buffer.buffer("{\"name\": ")), 400);
    assertThat(p.getString("detail")).contains("JSON");
  }

  @Test
  @DisplayName("a JSON array or a string instead of an object gets 400")
  void wrongJsonShape() {
    assertProblem(post("application/json", Buffer.buffer("[1,2]")), 400);
    assertProblem(post("application/json", Buffer.buffer("\"text\"")), 400);
  }

  @Test
  @DisplayName("a missing body gets 400")
  void missingBody() {
    assertProblem(post("application/json", null), 400);
  }

  @Test
  @DisplayName("a body that is not JSON gets 415")
  void wrongMediaType() {
    assertProblem(post("text/plain", Buffer.buffer("name=x")), 415);
    assertProblem(post("application/x-www-form-urlencoded", Buffer.buffer("name=x&email=a@b.co")), 415);
  }

  @Test
  @DisplayName("a body over 64 KiB gets 413")
  void tooLarge() {
    String big = "{\"name\":\"" + "a".repeat(70 * 1024) + "\",\"email\":\"a@b.co\"}";
    assertProblem(post("application/json", Buffer.buffer(big)), 413);
  }

  @Test
  @DisplayName("an unknown route gets 404 and a wrong method 405")
  void unknownRouteAndMethod() {
    assertProblem(await(app.http.get("/v1/nothing-here").bearerTokenAuthentication(admin).send()), 404);
    assertProblem(await(app.http.get("/").send()), 404);
    assertProblem(await(app.http.request(HttpMethod.DELETE, "/v1/customers").bearerTokenAuthentication(admin).send()), 405);
    assertProblem(await(app.http.request(HttpMethod.PATCH, "/v1/auth/token").send()), 405);
  }

  @Test
  @DisplayName("an id that is not a UUID gets 400 naming the parameter; any UUID, upper case too, passes validation")
  void badPathId() {
    for (String bad : new String[]{"not-a-uuid", "01234567-89ab-cdef-0123-456789abcdeg", "-1", "%5B1%5D",
      "0123456789abcdef0123456789abcdef0123"}) {
      JsonObject p = assertProblem(await(app.http.get("/v1/customers/" + bad).bearerTokenAuthentication(admin).send()), 400);
      assertThat(p.getJsonArray("errors").getJsonObject(0).getString("field")).as(bad).isEqualTo("id");
    }
    String unknown = java.util.UUID.randomUUID().toString();
    assertProblem(await(app.http.get("/v1/customers/" + unknown).bearerTokenAuthentication(admin).send()), 404);
    assertProblem(await(app.http.get("/v1/customers/" + unknown.toUpperCase()).bearerTokenAuthentication(admin).send()), 404);
    assertProblem(await(app.http.get("/v1/customers/" + unknown + "/favorites/x").bearerTokenAuthentication(admin).send()), 400);
  }

  @Test
  @DisplayName("bad query parameters get 400 naming the parameter")
  void badQuery() {
    JsonObject p = assertProblem(await(app.http.get("/v1/customers?limit=0").bearerTokenAuthentication(admin).send()), 400);
    assertThat(p.getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("limit");
    assertProblem(await(app.http.get("/v1/customers?limit=abc").bearerTokenAuthentication(admin).send()), 400);
    assertProblem(await(app.http.get("/v1/customers?limit=101").bearerTokenAuthentication(admin).send()), 400);
    JsonObject c = assertProblem(await(app.http.get("/v1/customers?cursor=bm90LWEtY3Vyc29y").bearerTokenAuthentication(admin).send()), 400);
    assertThat(c.getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("cursor");
  }

  private static String field(JsonObject problem) {
    return problem.getJsonArray("errors").getJsonObject(0).getString("field");
  }

  @Test
  @DisplayName("a query string that cannot be percent-decoded gets 400 naming the parameter (it was a 500)")
  void badPercentEncodingInQuery() {
    JsonObject p = assertProblem(await(app.http.get("/v1/customers?cursor=%%%garbage").bearerTokenAuthentication(admin)
      .send()), 400);
    assertThat(field(p)).isEqualTo("cursor");
    assertThat(field(assertProblem(await(app.http.get("/v1/customers?limit=5&email=a%zz").bearerTokenAuthentication(admin)
      .send()), 400))).isEqualTo("email");
    assertThat(field(assertProblem(await(app.http.get("/v1/customers?%zz=1").bearerTokenAuthentication(admin)
      .send()), 400))).isEqualTo("query");
    assertThat(field(assertProblem(await(app.http.get("/v1/customers?limit=%").bearerTokenAuthentication(admin)
      .send()), 400))).isEqualTo("limit");
    String favorites = "/v1/customers/" + java.util.UUID.randomUUID() + "/favorites?cursor=%e";
    assertThat(field(assertProblem(await(app.http.get(favorites).bearerTokenAuthentication(admin).send()), 400)))
      .isEqualTo("cursor");
    // before authentication too, and on routes outside the contract
    assertThat(field(assertProblem(await(app.http.get("/v1/customers?cursor=%zz").send()), 400))).isEqualTo("cursor");
    assertThat(field(assertProblem(await(app.http.get("/health/live?x=%zz").send()), 400))).isEqualTo("x");
  }

  @Test
  @DisplayName("a path that cannot be percent-decoded gets a 400 problem naming the path (it was a bare text 400)")
  void badPercentEncodingInPath() {
    assertThat(field(assertProblem(await(app.http.get("/v1/customers/%zz").bearerTokenAuthentication(admin).send()), 400)))
      .isEqualTo("path");
    assertThat(field(assertProblem(await(app.http.get("/nothing/%g0").send()), 400))).isEqualTo("path");
  }

  @Test
  @DisplayName("a request the HTTP codec refuses (control character in a header, two Content-Lengths) gets a 400 problem")
  void unparsableHttp() throws Exception {
    for (String head : new String[]{
      "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\u0001b\r\n\r\n",
      "POST /v1/customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
        + "Content-Length: 3\r\n\r\n{}",
      "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Long: " + "h".repeat(20_000) + "\r\n\r\n"}) {
      try (java.net.Socket so = new java.net.Socket("127.0.0.1", app.port)) {
        so.setSoTimeout(10_000);
        so.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        String response = new String(so.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        String status = response.substring(9, 12);
        assertThat(status).as(response).isIn("400", "431");
        assertThat(response).containsIgnoringCase("Content-Type: application/problem+json")
          .contains("\"status\":" + status);
      }
    }
  }

  @Test
  @DisplayName("application/json in any letter case, or with parameters, is JSON; a request id that is not a token is replaced")
  void mediaTypeSpellings() {
    for (String ct : new String[]{"Application/JSON", "application/json; charset=UTF-8", "APPLICATION/JSON;foo=bar"}) {
      HttpResponse<Buffer> r = post(ct, Buffer.buffer(new JsonObject().put("name", "Case")
        .put("email", "ct-" + java.util.UUID.randomUUID() + "@example.com").encode()));
      assertThat(r.statusCode()).as(ct + " " + r.bodyAsString()).isEqualTo(201);
    }
    HttpResponse<Buffer> r = await(app.http.get("/health/live").putHeader("X-Request-Id", "a b\tc").send());
    assertThat(r.getHeader("X-Request-Id")).isNotEqualTo("a b\tc").matches("[0-9a-f]+");
  }

  @Test
  @DisplayName("every response carries a request id, echoed when the client sends one")
  void requestId() {
    HttpResponse<Buffer> r = await(app.http.get("/health/live").putHeader("X-Request-Id", "abc-123").send());
    assertThat(r.getHeader("X-Request-Id")).isEqualTo("abc-123");
    assertThat(await(app.http.get("/health/live").send()).getHeader("X-Request-Id")).isNotBlank();
  }

  @Test
  @DisplayName("the contract is served at /openapi.yaml and Swagger UI at /docs with the bearer scheme")
  void docs() {
    HttpResponse<Buffer> yaml = await(app.http.get("/openapi.yaml").send());
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.bodyAsString()).contains("openapi: 3.1.0").contains("bearerAuth");
    HttpResponse<Buffer> redirect = await(app.http.get("/docs").followRedirects(false).send());
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.getHeader("Location")).isEqualTo("/docs/");
    HttpResponse<Buffer> ui = await(app.http.get("/docs/").send());
    assertThat(ui.statusCode()).isEqualTo(200);
    assertThat(ui.bodyAsString()).contains("swagger-ui");
    HttpResponse<Buffer> init = await(app.http.get("/docs/swagger-initializer.js").send());
    assertThat(init.bodyAsString()).contains("/openapi.yaml");
    assertThat(await(app.http.get("/docs/swagger-ui-bundle.js").send()).statusCode()).isEqualTo(200);
  }
}
