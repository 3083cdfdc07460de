package com.favoriteproducts.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.SchemaRepository;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("inline validation: the hand-written UUID, integer and string checks")
class InlineValidationTest {

  /** The JSON-schema "uuid" format of vertx-json-schema 5.0.7 (case-insensitive); the fast path must not accept more. */
  private static final Pattern SCHEMA_UUID =
    Pattern.compile("^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$", Pattern.CASE_INSENSITIVE);

  @Test
  @DisplayName("accepts exactly the UUIDs the schema format accepts (without the urn prefix, which the validator handles)")
  void sameAsTheSchemaFormat() {
    String[] samples = {UUID.randomUUID().toString(), UUID.randomUUID().toString().toUpperCase(),
      "00000000-0000-0000-0000-000000000000", "0123456789abcdef", "0123456-89ab-cdef-0123-456789abcdef0",
      "01234567-89ab-cdef-0123-456789abcdeg", "01234567_89ab_cdef_0123_456789abcdef", "01234567-89ab-cdef-0123-456789abcde",
      " 1234567-89ab-cdef-0123-456789abcdef", "01234567-89ab-cdef-0123-456789abcdef ", "", "-1", "[1]",
      "urn:uuid:01234567-89ab-cdef-0123-456789abcdef", "0123456789-ab-cdef-0123-456789abcdef"};
    for (String s : samples) {
      boolean fast = InlineValidation.isUuid(s);
      assertThat(!fast || SCHEMA_UUID.matcher(s).matches()).as("never more lenient: '%s'", s).isTrue();
      if (!s.startsWith("urn:")) {
        assertThat(fast).as("'%s'", s).isEqualTo(SCHEMA_UUID.matcher(s).matches());
      }
    }
    assertThat(InlineValidation.isUuid(UUID.randomUUID().toString())).isTrue();
    assertThat(InlineValidation.isUuid("01234567-89ab-cdef-0123-456789abcdeg")).isFalse();
  }

  private static final SchemaRepository REPO = SchemaRepository.create(
    new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("app://").setOutputFormat(OutputFormat.Basic));

  private static final String[] RAW = {"1", "20", "100", "0", "101", "99", "007", "00", "+7", "-1", "7.0", "1e2", "abc",
    "", " 7", "7 ", "999999999", "1000000000", "2147483648", "\"20\"", "x".repeat(512), "x".repeat(513), "é".repeat(512),
    "é".repeat(513), "[1]", "{}", "null", "true", "café"};

  /** What the library makes of {@code raw}: the transformer's decoding (a string schema keeps a plain string), then the schema. */
  private static Object library(JsonObject schema, String raw) {
    Object value;
    if ("string".equals(schema.getString("type")) && !raw.isEmpty() && raw.charAt(0) != '"') {
      value = raw;
    } else {
      try {
        value = Json.decodeValue(raw);
      } catch (DecodeException e) {
        value = raw;
      }
    }
    return REPO.validator(JsonSchema.of(schema)).validate(value).getValid() ? value : null;
  }

  @Test
  @DisplayName("an integer or string accepted by hand is one the schema accepts, with the same value; the common ones are")
  void boundsNeverMoreLenient() {
    JsonObject[] schemas = {
      new JsonObject("{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,\"default\":20}"),
      new JsonObject("{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000}"),
      new JsonObject("{\"type\":\"integer\",\"minimum\":0}"),
      new JsonObject("{\"type\":\"string\",\"minLength\":1,\"maxLength\":512}"),
      new JsonObject("{\"type\":\"string\",\"maxLength\":200}")};
    for (JsonObject schema : schemas) {
      JsonSchema js = JsonSchema.of(schema);
      InlineValidation.Bounds integer = InlineValidation.Bounds.ofInteger(js);
      InlineValidation.Bounds string = InlineValidation.Bounds.ofString(js);
      assertThat(integer != null || string != null).as("bounds of %s", schema).isTrue();
      for (String raw : RAW) {
        Object fast = InlineValidation.inBounds(integer, string, raw);
        if (fast != null) {
          assertThat(fast).as("%s of '%s'", schema, raw).isEqualTo(library(schema, raw));
        }
      }
    }
    JsonSchema limit = JsonSchema.of(schemas[0]);
    InlineValidation.Bounds b = InlineValidation.Bounds.ofInteger(limit);
    assertThat(InlineValidation.inBounds(b, null, "20")).isEqualTo(20);
    assertThat(InlineValidation.inBounds(b, null, "100")).isEqualTo(100);
    assertThat(InlineValidation.inBounds(b, null, "0")).isNull();
    assertThat(InlineValidation.inBounds(b, null, "101")).isNull();
    assertThat(InlineValidation.inBounds(b, null, "007")).isNull();
    InlineValidation.Bounds cursor = InlineValidation.Bounds.ofString(JsonSchema.of(schemas[3]));
    assertThat(InlineValidation.inBounds(null, cursor, "é".repeat(512))).isEqualTo("é".repeat(512));
    assertThat(InlineValidation.inBounds(null, cursor, "é".repeat(513))).isNull();
  }

  @Test
  @DisplayName("only a schema of type and bounds (and a default) is checked by hand")
  void boundsOnlyForPlainSchemas() {
    for (String integer : new String[] {"{\"type\":\"integer\",\"minimum\":1,\"multipleOf\":2}",
      "{\"type\":\"integer\",\"exclusiveMinimum\":1}", "{\"type\":\"integer\",\"minimum\":1.5}",
      "{\"type\":\"string\",\"maxLength\":5}"}) {
      assertThat(InlineValidation.Bounds.ofInteger(JsonSchema.of(new JsonObject(integer)))).as(integer).isNull();
    }
    for (String string : new String[] {"{\"type\":\"string\",\"pattern\":\"^a$\"}",
      "{\"type\":\"string\",\"format\":\"email\"}"}) {
      assertThat(InlineValidation.Bounds.ofString(JsonSchema.of(new JsonObject(string)))).as(string).isNull();
    }
  }

}
