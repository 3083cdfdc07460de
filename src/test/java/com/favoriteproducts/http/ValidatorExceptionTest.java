package com.favoriteproducts.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge's validation with a contract whose validator throws (not a validation error) on some input: a 400 naming
 * the field, never a 500. The service's contract avoids the known case; this pins the general handling.
 */
@DisplayName("a validator that throws on some input gives 400 naming the field, not 500")
class ValidatorExceptionTest {

  static Vertx vertx;
  static HttpServer server;
  static WebClient http;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    OpenAPIContract contract = await(OpenAPIContract.from(vertx, "contracts/validator-throws.yaml"));
    RequestExtractor extractor = RequestExtractor.withBodyHandler();
    RouterBuilder builder = RouterBuilder.create(vertx, contract, extractor);
    builder.rootHandler(BodyHandler.create(false));
    InlineValidation validation = new InlineValidation(vertx, contract, extractor);
    for (OpenAPIRoute route : builder.getRoutes()) {
      route.setDoValidation(false);
      route.addHandler(validation.handler(route.getOperation()));
      route.addHandler(rc -> rc.response().end("stored"));
    }
    Router router = builder.createRouter();
    router.route().failureHandler(HttpVerticle::onFailure);
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultPort(server.actualPort()).setDefaultHost("127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static List<String> fields(JsonObject problem) {
    return problem.getJsonArray("errors").stream().map(o -> ((JsonObject) o).getString("field")).toList();
  }

  @Test
  @DisplayName("a body property the validator throws on is named; the others are not")
  void body() {
    HttpResponse<Buffer> r = await(http.post("/things").sendJsonObject(new JsonObject().put("label", "ok").put("email", "")));
    assertThat(fields(assertProblem(r, 400))).containsExactly("email");
    HttpResponse<Buffer> ok = await(http.post("/things").sendJsonObject(new JsonObject().put("label", "ok").put("email", "a@b.co")));
    assertThat(ok.statusCode()).isEqualTo(200);
    HttpResponse<Buffer> invalid = await(http.post("/things").sendJsonObject(new JsonObject().put("label", "too long")));
    assertThat(fields(assertProblem(invalid, 400))).containsExactly("label");
  }

  @Test
  @DisplayName("a parameter the validator throws on is named")
  void parameter() {
    HttpResponse<Buffer> r = await(http.post("/things?contact=").sendJsonObject(new JsonObject()));
    assertThat(fields(assertProblem(r, 400))).containsExactly("contact");
  }
}
