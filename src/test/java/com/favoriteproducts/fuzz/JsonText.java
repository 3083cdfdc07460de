package com.favoriteproducts.fuzz;

import java.util.List;
import java.util.Map;

/**
 * JSON text of a value tree (maps, lists, strings, numbers, booleans, null, {@link Raw}) exactly as the fuzzer means it:
 * control characters and lone surrogates as {@code \\uXXXX} escapes (valid JSON, which a decoder turns back into those
 * characters), everything else as itself. A general JSON library would refuse or repair some of these values.
 */
final class JsonText {

  /** Literal JSON text put in as is: a huge number, a malformed fragment. */
  record Raw(String text) {
  }

  private JsonText() {
  }

  static String encode(Object v) {
    StringBuilder sb = new StringBuilder();
    write(sb, v);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Raw raw) {
      sb.append(raw.text());
    } else if (v instanceof String s) {
      string(sb, s);
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        string(sb, String.valueOf(e.getKey()));
        sb.append(':');
        write(sb, e.getValue());
      }
      sb.append('}');
    } else if (v instanceof List<?> l) {
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        write(sb, l.get(i));
      }
      sb.append(']');
    } else {
      sb.append(v); // numbers, booleans
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean lone = Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1))) && !(Character.isLowSurrogate(c) && i > 0
        && Character.isHighSurrogate(s.charAt(i - 1)));
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || lone) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }
}
