package com.favoriteproducts.fuzz;

import com.favoriteproducts.support.RawHttp;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.text.Normalizer;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** What every response must be, given the request the fuzzer meant: each check returns its failures (kind, message). */
final class Checks {

  /** A failed check: {@code kind} groups it in the summary (with the operation and status). */
  record Finding(String kind, String message) {
  }

  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Checks() {
  }

  static List<Finding> check(FuzzRequest req, RawHttp.Response res) {
    List<Finding> out = new ArrayList<>();
    int status = res.status();
    if (status == 0) {
      out.add(new Finding("no-response", res.noAnswer()));
      return out;
    }
    if (status >= 500) {
      out.add(new Finding("5xx", "answered " + status + ": " + shorten(res.text())));
      return out;
    }
    if (status >= 400) {
      problem(req, res, out);
    } else if (status >= 200 && status < 300) {
      if (req.mustReject()) {
        out.add(new Finding("invalid-accepted", "an invalid request was accepted with " + status + ": " + shorten(res.text())));
      }
      if (req.routed()) {
        success(req, res, out);
      }
    }
    return out;
  }

  /** 4xx: application/problem+json with status and title, naming the field when one is at fault. */
  private static void problem(FuzzRequest req, RawHttp.Response res, List<Finding> out) {
    String ct = res.header("Content-Type");
    if (ct == null || !ct.toLowerCase().startsWith("application/problem+json")) {
      out.add(new Finding("4xx-not-problem", "Content-Type " + ct + ", body " + shorten(res.text())));
      return;
    }
    JsonObject p;
    try {
      p = new JsonObject(res.text());
    } catch (DecodeException | ClassCastException e) {
      out.add(new Finding("4xx-not-problem", "body is not a JSON object: " + shorten(res.text())));
      return;
    }
    if (!(p.getValue("status") instanceof Number n) || n.intValue() != res.status()
      || !(p.getValue("title") instanceof String t) || t.isBlank() || !(p.getValue("type") instanceof String)) {
      out.add(new Finding("4xx-not-problem", "problem without a matching status, a title or a type: " + shorten(res.text())));
      return;
    }
    if (req.field() != null && res.status() == 400 && !names(p.getValue("errors"), req.field())) {
      out.add(new Finding("field-not-named", "expected errors[].field " + req.field() + ": " + shorten(res.text())));
    }
  }

  private static boolean names(Object errors, String field) {
    if (!(errors instanceof JsonArray a)) {
      return false;
    }
    for (Object o : a) {
      if (o instanceof JsonObject e && e.getValue("field") instanceof String f) {
        String lf = f.toLowerCase();
        String want = field.toLowerCase();
        if (lf.equals(want) || lf.endsWith("." + want) || lf.startsWith(want + ".")) {
          return true;
        }
      }
    }
    return false;
  }

  /** 2xx: a declared status, a body of the declared schema, and no hostile input stored as given. */
  private static void success(FuzzRequest req, RawHttp.Response res, List<Finding> out) {
    Contract.Op op = req.op();
    String status = String.valueOf(res.status());
    JsonObject schema = op.responses().get(status);
    if (schema == null) {
      schema = op.responses().get(status.charAt(0) + "XX");
    }
    if (schema == null && !op.responses().containsKey("default")) {
      out.add(new Finding("undeclared-status", "the contract declares no " + status + " for " + op.id()));
      return;
    }
    if (schema == null || schema.isEmpty() || res.body().length == 0) {
      if (schema != null && !schema.isEmpty() && !req.method().equals("HEAD")) {
        out.add(new Finding("response-schema", "no body, the contract declares one"));
      }
      return;
    }
    Object body;
    try {
      body = Json.decodeValue(res.text());
    } catch (DecodeException e) {
      out.add(new Finding("response-schema", "body is not JSON: " + shorten(res.text())));
      return;
    }
    List<String> errors = new ArrayList<>();
    conforms(schema, body, "", errors);
    if (!errors.isEmpty()) {
      out.add(new Finding("response-schema", String.join("; ", errors.subList(0, Math.min(5, errors.size())))
        + " in " + shorten(res.text())));
    }
    if (req.bodyValue() instanceof Map<?, ?> input && body instanceof JsonObject echoed && op.body() != null) {
      stored(input, echoed, op.body().getJsonObject("properties", new JsonObject()), out);
    }
  }

  /** A string the request sent and the response shows must be clean text (or the request refused). */
  private static void stored(Map<?, ?> input, JsonObject echoed, JsonObject props, List<Finding> out) {
    for (Map.Entry<?, ?> e : input.entrySet()) {
      if (!(e.getValue() instanceof String in)) {
        continue;
      }
      String name = String.valueOf(e.getKey());
      String format = props.getJsonObject(name, new JsonObject()).getString("format");
      if (hasLoneSurrogate(in)) {
        out.add(new Finding("lone-surrogate-accepted", name + " " + quote(in) + " was accepted (stored as "
          + quote(String.valueOf(echoed.getValue(name))) + ")"));
        continue;
      }
      if (!(echoed.getValue(name) instanceof String stored)) {
        continue;
      }
      if (stored.codePoints().anyMatch(Checks::isControl)) {
        out.add(new Finding("control-characters-stored", name + " stored as " + quote(stored)));
      } else if ("email".equals(format) && stored.codePoints().anyMatch(Checks::isInvisible)) {
        out.add(new Finding("invisible-characters-in-email", name + " stored as " + quote(stored)));
      } else if (!Normalizer.isNormalized(stored, Normalizer.Form.NFC)) {
        out.add(new Finding("not-nfc", name + " stored as " + quote(stored)));
      }
    }
  }

  static boolean isControl(int c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
  }

  static boolean isInvisible(int c) {
    int t = Character.getType(c);
    return isControl(c) || t == Character.FORMAT || t == Character.LINE_SEPARATOR || t == Character.PARAGRAPH_SEPARATOR
      || t == Character.SPACE_SEPARATOR || Character.isWhitespace(c);
  }

  static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The response schema's {@code required}, {@code type} (with "null"), {@code enum}, uuid and date-time formats,
   * {@code properties} and {@code items}; enough to catch a missing or mistyped field.
   */
  static void conforms(JsonObject s, Object v, String at, List<String> errors) {
    List<String> types = Generator.types(s);
    if (!types.isEmpty() && types.stream().noneMatch(t -> is(t, v))) {
      errors.add((at.isEmpty() ? "body" : at) + " is not " + types + ": " + shorten(String.valueOf(v)));
      return;
    }
    if (s.containsKey("enum") && v != null && !s.getJsonArray("enum").contains(v)) {
      errors.add(at + " " + v + " is not one of " + s.getJsonArray("enum"));
    }
    if (v instanceof String str) {
      String f = s.getString("format");
      if ("uuid".equals(f) && !UUID.matcher(str).matches()) {
        errors.add(at + " is not a uuid: " + str);
      }
      if ("date-time".equals(f)) {
        try {
          OffsetDateTime.parse(str);
        } catch (RuntimeException e) {
          errors.add(at + " is not a date-time: " + str);
        }
      }
    }
    if (v instanceof JsonObject o) {
      for (Object r : s.getJsonArray("required", new JsonArray())) {
        if (!o.containsKey((String) r)) {
          errors.add(at + "/" + r + " is missing");
        }
      }
      JsonObject props = s.getJsonObject("properties", new JsonObject());
      for (String name : props.fieldNames()) {
        if (o.containsKey(name)) {
          conforms(props.getJsonObject(name), o.getValue(name), at + "/" + name, errors);
        }
      }
    }
    if (v instanceof JsonArray a && s.containsKey("items")) {
      for (int i = 0; i < a.size(); i++) {
        conforms(s.getJsonObject("items"), a.getValue(i), at + "/" + i, errors);
      }
    }
  }

  private static boolean is(String type, Object v) {
    return switch (type) {
      case "null" -> v == null;
      case "string" -> v instanceof String;
      case "boolean" -> v instanceof Boolean;
      case "integer" -> v instanceof Integer || v instanceof Long
        || (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()));
      case "number" -> v instanceof Number;
      case "object" -> v instanceof JsonObject;
      case "array" -> v instanceof JsonArray;
      default -> true;
    };
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().forEach(c -> {
      if (c >= 0x20 && c < 0x7f) {
        sb.appendCodePoint(c);
      } else {
        sb.append(String.format(c > 0xffff ? "\\u{%x}" : "\\u%04x", c));
      }
    });
    return sb.append('"').toString();
  }

  static String shorten(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "...(" + s.length() + " chars)" : s;
  }
}
