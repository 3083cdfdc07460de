package com.favoriteproducts.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request body must be well-formed UTF-8 (RFC 8259). The JSON decoder behind the validator reads some ill-formed
 * sequences as characters instead of refusing them: an overlong {@code C0 AF} as '/', an encoded surrogate
 * {@code ED A0 80} as a lone surrogate (stored as '?'), {@code F4 90 80 80} beyond U+10FFFF. Checked once, after the
 * body is read and before it is validated; an ASCII body (the usual one) is a single scan without allocation.
 */
final class Utf8Bodies {

  private Utf8Bodies() {
  }

  static void check(RoutingContext rc) {
    Buffer body = rc.body() == null ? null : rc.body().buffer();
    if (body == null || body.length() == 0 || isAscii(body) || isUtf8(body)) {
      rc.next();
      return;
    }
    Problems.send(rc, 400, "the request body is not valid UTF-8", Problems.fieldError("body", "is not valid UTF-8"));
  }

  private static boolean isAscii(Buffer b) {
    for (int i = 0, n = b.length(); i < n; i++) {
      if (b.getByte(i) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Java's decoder refuses overlong forms, surrogates and code points past U+10FFFF. */
  static boolean isUtf8(Buffer b) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b.getBytes()));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
