package com.favoriteproducts.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.json.schema.JsonSchema;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("inline body validation: the same outcome as the library's validateBody for every body of the contract")
class InlineBodyValidationTest {

  static Vertx vertx;
  static OpenAPIContract contract;
  static InlineValidation inline;
  static RequestValidatorImpl library;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    contract = await(OpenAPIContract.from(vertx, HttpVerticle.CONTRACT));
    inline = new InlineValidation(vertx, contract, RequestExtractor.withBodyHandler());
    contract.operations().forEach(inline::handler); // builds the validators, as the routes do
    library = new RequestValidatorImpl(vertx, contract);
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  /** A value of the kind {@code schema} asks for (its example when it has one), to build bodies that may pass. */
  private static Object sample(JsonObject schema) {
    if (schema == null) {
      return "x";
    }
    if (schema.containsKey("example")) {
      return schema.getValue("example");
    }
    if (schema.getJsonArray("enum") != null && !schema.getJsonArray("enum").isEmpty()) {
      return schema.getJsonArray("enum").getValue(0);
    }
    String format = schema.getString("format", "");
    return switch (String.valueOf(schema.getValue("type"))) {
      case "integer", "number" -> 1;
      case "boolean" -> true;
      case "array" -> new JsonArray().add(sample(schema.getJsonObject("items")));
      case "object" -> filled(schema);
      default -> format.equals("email") ? "ana@example.com" : format.equals("uri") ? "https://example.com/hook"
        : format.equals("uuid") ? "0b0c1a0e-5a4e-4c57-9d33-4ec8a0d2f6a1" : "Ana";
    };
  }

  private static JsonObject filled(JsonObject schema) {
    JsonObject out = new JsonObject();
    JsonObject props = schema.getJsonObject("properties", new JsonObject());
    props.fieldNames().forEach(name -> out.put(name, sample(props.getJsonObject(name))));
    return out;
  }

  private static List<String> bodies(JsonObject schema) {
    List<String> out = new ArrayList<>(List.of("{}", "[]", "\"text\"", "1", "null", "true", "{", "{\"a\":", "not json",
      "{\"name\":\"\",\"email\":\"\"}", "{\"name\":\"Ana\",\"email\":\"ana@example.com\"}", "{\"name\":1}",
      "{\"email\":\"x\"}", "{\"token\":\"abc\"}", "{\"url\":\"https://example.com/h\",\"events\":[\"favorite.added\"]}",
      "{\"name\":\"" + "é".repeat(300) + "\",\"email\":\"a@b.co\"}", "{\"extra\":true}"));
    JsonObject full = filled(schema);
    out.add(full.encode());
    for (String name : full.fieldNames()) {
      JsonObject without = full.copy();
      without.remove(name);
      out.add(without.encode());
      out.add(full.copy().put(name, new JsonArray().add(1)).encode());
      out.add(full.copy().put(name, "").encode());
    }
    out.add(full.copy().put("unknownProperty", 1).encode());
    return out;
  }

  /** The outcome: the value handed on, or the exception's class, type and message. */
  private static String outcome(java.util.function.Supplier<RequestParameter> run) {
    try {
      RequestParameter p = run.get();
      return "value " + (p.get() instanceof Buffer b ? "buffer " + b : Objects.toString(p.get()));
    } catch (ValidatorException e) {
      return e.getClass().getSimpleName() + " " + e.type() + " " + e.getMessage();
    } catch (RuntimeException e) {
      return "threw " + e.getClass().getName() + " " + e.getMessage();
    }
  }

  @Test
  @DisplayName("valid and invalid bodies of every operation with a body: same value or same error")
  void sameAsTheLibrary() {
    int compared = 0;
    int passed = 0;
    for (Operation op : contract.operations()) {
      if (op.getRequestBody() == null) {
        continue;
      }
      for (Map.Entry<String, MediaType> type : op.getRequestBody().getContent().entrySet()) {
        JsonSchema schema = type.getValue().getSchema();
        List<String> samples = bodies(schema == null ? new JsonObject() : new JsonObject(schema.fieldNames().stream()
          .collect(java.util.stream.Collectors.toMap(k -> k, k -> (Object) schema.get(k)))));
        for (String body : samples) {
          ValidatableRequestImpl request = new ValidatableRequestImpl(Map.of(), Map.of(), Map.of(), Map.of(),
            new RequestParameterImpl(Buffer.buffer(body)), type.getKey());
          String mine = outcome(() -> inline.validateBody(op.getRequestBody(), request));
          String theirs = outcome(() -> library.validateBody(op.getRequestBody(), request));
          assertThat(mine).as("%s %s body %s", op.getOperationId(), type.getKey(), body).isEqualTo(theirs);
          compared++;
          passed += mine.startsWith("value ") ? 1 : 0;
        }
      }
      ValidatableRequestImpl empty = new ValidatableRequestImpl(Map.of(), Map.of(), Map.of(), Map.of(), null,
        "application/json");
      assertThat(outcome(() -> inline.validateBody(op.getRequestBody(), empty))).as(op.getOperationId() + " no body")
        .isEqualTo(outcome(() -> library.validateBody(op.getRequestBody(), empty)));
    }
    assertThat(compared).isGreaterThan(100);
    assertThat(passed).as("bodies that pass (the fast path's own result, not only errors)").isGreaterThan(5);
  }
}
