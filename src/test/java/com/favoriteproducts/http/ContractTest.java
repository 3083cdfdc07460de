package com.favoriteproducts.http;

import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("the OpenAPI contract drives routing")
class ContractTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();
  static OpenAPIContract contract;

  @BeforeAll
  static void start() {
    contract = await(OpenAPIContract.from(app.vertx, HttpVerticle.CONTRACT));
  }

  @Test
  @DisplayName("every operation of the contract reaches a handler (none answers the router's bare 503)")
  void everyOperationHasAHandler() {
    String admin = app.adminToken();
    assertThat(contract.operations()).isNotEmpty();
    for (Operation op : contract.operations()) {
      String path = op.getOpenAPIPath().replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
      HttpResponse<Buffer> r = await(app.http.request(HttpMethod.valueOf(op.getHttpMethod().name()), path)
        .bearerTokenAuthentication(admin).send());
      // Without a handler the router answers 503 with no problem body. A handler answers something deliberate.
      String ct = r.getHeader("Content-Type");
      assertThat(r.statusCode() != 503 || (ct != null && ct.startsWith("application/problem+json")))
        .as(op.getOperationId() + " " + op.getHttpMethod() + " " + path + " -> " + r.statusCode() + " " + r.bodyAsString())
        .isTrue();
      assertThat(r.statusCode()).as(op.getOperationId()).isLessThan(500);
    }
  }

  @Test
  @DisplayName("the start-up guard names an operation without a handler and a handler without an operation")
  void guardFindsMismatches() {
    Set<String> handlers = new HashSet<>();
    for (Operation op : contract.operations()) {
      handlers.add(op.getOperationId());
    }
    assertThat(ApiRoutes.mismatches(contract, handlers)).isEmpty();
    handlers.remove("getCustomer");
    handlers.add("madeUp");
    assertThat(ApiRoutes.mismatches(contract, handlers))
      .containsExactly("handler for unknown operation madeUp", "no handler for operation getCustomer");
  }

  @Test
  @DisplayName("the Operation enum names every operation of the contract, and nothing else")
  void operationEnumMatchesTheContract() {
    assertThat(ApiRoutes.mismatches(contract, com.favoriteproducts.http.Operation.byId().keySet())).isEmpty();
    assertThat(com.favoriteproducts.http.Operation.byId()).hasSize(contract.operations().size());
  }
}
