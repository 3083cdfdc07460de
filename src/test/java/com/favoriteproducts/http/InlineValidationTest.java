package com.favoriteproducts.http;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("inline validation: the hand-written UUID check")
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
}
