package com.favoriteproducts.bus;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("cursors: opaque keys, and one answer (400 on the cursor field) for any cursor the service did not issue")
class CursorTest {

  private static final Function<JsonArray, Long> ONE_NUMBER =
    key -> key.size() == 1 && key.getValue(0) instanceof Number n ? n.longValue() : null;

  @Test
  @DisplayName("a cursor made by encode reads back; no cursor reads as null")
  void roundTrip() {
    assertThat(Cursor.read(Cursor.encode(new JsonArray().add(42L)), ONE_NUMBER)).isEqualTo(42L);
    assertThat(Cursor.read(null, ONE_NUMBER)).isNull();
  }

  @Test
  @DisplayName("garbage, an empty string, an over-long cursor, JSON of the wrong shape, a reader that throws: all 400")
  void invalid() {
    String wrongShape = Base64.getUrlEncoder().encodeToString("[\"x\", 1]".getBytes());
    String notJson = Base64.getUrlEncoder().encodeToString("{not json".getBytes());
    for (String cursor : new String[] {"%%%garbage", "", "a".repeat(600), wrongShape, notJson}) {
      assertInvalid(cursor, ONE_NUMBER);
    }
    assertInvalid(Cursor.encode(new JsonArray().add("x")), key -> Long.parseLong(key.getString(0)));
    assertInvalid(Cursor.encode(new JsonArray()), key -> key.getLong(0));
  }

  private static void assertInvalid(String cursor, Function<JsonArray, ?> reader) {
    BusFailure f = catchThrowableOfType(BusFailure.class, () -> Cursor.read(cursor, reader));
    assertThat(f).as(cursor).isNotNull();
    assertThat(f.code()).isEqualTo(400);
    assertThat(f.errors()).containsExactly(new FieldError("cursor", "is not a cursor this service issued"));
  }

  @Test
  @DisplayName("canonical: one spelling for cursors that decode to the same key; null for one not issued here")
  void canonical() {
    String uuid = "6f1c3a52-0a7e-4b8f-9a51-3c2d1e0f9a8b";
    String issued = Cursor.encode(new JsonArray().add(1_700_000_000_000_000L).add(uuid));
    Base64.Encoder enc = Base64.getUrlEncoder();
    String padded = enc.encodeToString(("[1700000000000000,\"" + uuid + "\"]").getBytes());
    String spaced = enc.withoutPadding().encodeToString(("[ 1700000000000000 , \"" + uuid + "\" ]").getBytes());
    String upper = enc.withoutPadding().encodeToString(("[1700000000000000,\"" + uuid.toUpperCase() + "\"]").getBytes());
    String decimal = enc.withoutPadding().encodeToString(("[1.7E15,\"" + uuid + "\"]").getBytes());
    for (String variant : new String[] {issued, padded, spaced, upper, decimal}) {
      assertThat(Cursor.canonical(variant)).as(variant).isEqualTo(issued);
    }
    String other = enc.withoutPadding().encodeToString(("[1.5,\"" + uuid + "\"]").getBytes());
    assertThat(Cursor.canonical(other)).isNotEqualTo(issued).isNotNull();
    assertThat(Cursor.canonical("%%%garbage")).isNull();
    assertThat(Cursor.canonical(enc.encodeToString("[{\"a\":1}]".getBytes()))).isNull();
    assertThat(Cursor.canonical(null)).isNull();
  }
}
