package com.favoriteproducts.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("route order: the shop apps' templated paths tried first, the same operation matched for every path")
class RouteOrderTest {

  static Vertx vertx;
  static OpenAPIContract contract;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    contract = await(OpenAPIContract.from(vertx, HttpVerticle.CONTRACT));
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static List<String> names(OpenAPIContract c) {
    return c.getPaths().stream().map(Path::getName).toList();
  }

  @Test
  @DisplayName("the contract's paths: literal ones first in the library's order, then FIRST, then the other templated ones")
  void orderOfTheContract() {
    List<String> library = names(contract);
    List<String> ordered = names(RouteOrder.of(contract));
    assertThat(ordered).containsExactlyInAnyOrderElementsOf(library);
    assertThat(library).containsAll(RouteOrder.FIRST); // a path renamed in the contract would silently lose its place
    List<String> literal = library.stream().filter(p -> !p.contains("{")).toList();
    assertThat(ordered.subList(0, literal.size())).isEqualTo(literal);
    assertThat(ordered.subList(literal.size(), literal.size() + RouteOrder.FIRST.size())).isEqualTo(RouteOrder.FIRST);
    assertThat(ordered.subList(literal.size() + RouteOrder.FIRST.size(), ordered.size()))
      .isEqualTo(library.stream().filter(p -> p.contains("{") && !RouteOrder.FIRST.contains(p)).toList());
    // and the library's order put the favorites list behind other templated paths: the reason for all this
    assertThat(library.indexOf("/v1/customers/{customerId}/favorites")).isGreaterThan(literal.size());
  }

  @Test
  @DisplayName("templates overlap when some path matches both; then the order is left as the library's")
  void overlap() {
    assertThat(RouteOrder.overlap("/a/{x}/b", "/a/b/{y}")).isTrue();
    assertThat(RouteOrder.overlap("/a/{x}", "/a/{y}")).isTrue();
    assertThat(RouteOrder.overlap("/a/{x}", "/b/{y}")).isFalse();
    assertThat(RouteOrder.overlap("/v1/customers/{id}", "/v1/customers/{customerId}/favorites")).isFalse();
    assertThat(RouteOrder.overlap("/v1/customers/{customerId}/favorites", "/v1/customers/{customerId}/favorites/{productId}"))
      .isFalse();
    List<String> overlapping = List.of("/lit", "/a/{x}/b", "/a/b/{y}");
    assertThat(RouteOrder.order(overlapping, List.of("/a/b/{y}"))).isEqualTo(overlapping);
    assertThat(RouteOrder.order(List.of("/lit", "/a/{x}", "/b/{y}"), List.of("/b/{y}", "/absent/{z}")))
      .containsExactly("/lit", "/b/{y}", "/a/{x}");
  }

  @Test
  @DisplayName("a router built from the reordered contract tries the favorites list first and sends every path to its own operation")
  void routesEveryOperation() {
    RouterBuilder builder = RouterBuilder.create(vertx, RouteOrder.of(contract));
    for (OpenAPIRoute route : builder.getRoutes()) {
      String id = route.getOperation().getOperationId();
      route.setDoSecurity(false).setDoValidation(false).addHandler(rc -> rc.response().end(id));
    }
    Router router = builder.createRouter();
    List<String> templated = router.getRoutes().stream().map(Route::getPath)
      .filter(p -> p != null && p.contains(":")).toList();
    assertThat(templated.get(0)).isEqualTo("/v1/customers/:customerId/favorites");
    router.errorHandler(405, rc -> rc.response().setStatusCode(405).end("405"));

    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    HttpClient client = vertx.createHttpClient();
    try {
      for (Operation op : contract.operations()) {
        String path = op.getOpenAPIPath().replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
        assertThat(call(client, server.actualPort(), HttpMethod.valueOf(op.getHttpMethod().name()), path))
          .as(op.getHttpMethod() + " " + path).isEqualTo("200 " + op.getOperationId());
      }
      // a known path with a method it does not have: 405 (decided over all the routes, whatever their order)
      String list = "/v1/customers/" + UUID.randomUUID() + "/favorites";
      assertThat(call(client, server.actualPort(), HttpMethod.DELETE, list)).isEqualTo("405 405");
      assertThat(call(client, server.actualPort(), HttpMethod.POST, "/v1/customers/" + UUID.randomUUID()))
        .isEqualTo("405 405");
    } finally {
      await(client.close());
      await(server.close());
    }
  }

  private static String call(HttpClient client, int port, HttpMethod method, String path) {
    return await(client.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path))
      .compose(req -> req.send().compose(r -> r.body().map(body -> r.statusCode() + " " + body))));
  }
}
