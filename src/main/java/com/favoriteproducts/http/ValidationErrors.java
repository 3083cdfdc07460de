package com.favoriteproducts.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the OpenAPI validator's exceptions into {@code errors: [{field, message}]}, one entry per offending field. */
final class ValidationErrors {

  private static final Pattern PARAM = Pattern.compile("(path|query|header|cookie) parameter ([\\w.-]+)", Pattern.CASE_INSENSITIVE);
  /** vertx-json-schema's message for a {@code required} keyword names the property (its location is the parent). */
  private static final Pattern REQUIRED = Pattern.compile("required property \"([^\"]+)\"");

  private ValidationErrors() {
  }

  static String detail(ValidatorException e) {
    String msg = e.getMessage() == null ? "" : e.getMessage();
    if (msg.contains("does not contain the required body")) {
      return "the request body is required";
    }
    if (msg.toLowerCase().contains("decode") || msg.toLowerCase().contains("json")) {
      return "the request body is not valid JSON";
    }
    return "the request is invalid";
  }

  static JsonArray errors(ValidatorException e) {
    Matcher m = PARAM.matcher(e.getMessage() == null ? "" : e.getMessage());
    String paramField = m.find() ? m.group(2) : null;
    if (e instanceof SchemaValidationException sve && sve.getOutputUnit() != null) {
      Map<String, String> byField = new LinkedHashMap<>();
      collect(sve.getOutputUnit(), byField);
      JsonArray out = new JsonArray();
      byField.forEach((location, message) -> {
        String pointer = fieldName(location);
        String f = paramField != null ? (pointer.isEmpty() ? paramField : paramField + "." + pointer)
          : (pointer.isEmpty() ? "body" : pointer);
        out.add(new JsonObject().put("field", f).put("message", message));
      });
      if (!out.isEmpty()) {
        return out;
      }
    }
    String field = paramField != null ? paramField : "body";
    return Problems.fieldError(field, e.getMessage() == null ? "is invalid" : humanize(e.getMessage()));
  }

  /** Keeps the most specific error per instance location (leaves first), skipping the schema's summary lines. */
  private static void collect(OutputUnit unit, Map<String, String> byField) {
    List<OutputUnit> children = unit.getErrors();
    if (children != null && !children.isEmpty()) {
      for (OutputUnit child : children) {
        collect(child, byField);
      }
    }
    String error = unit.getError();
    String loc = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation();
    if (error == null || error.isBlank()) {
      return;
    }
    String keyword = unit.getKeywordLocation() == null ? "" : unit.getKeywordLocation();
    if (keyword.endsWith("/properties") || keyword.endsWith("/$ref") || keyword.endsWith("/allOf")
      || keyword.endsWith("/items")) {
      return; // summaries of nested errors
    }
    if (keyword.endsWith("/additionalProperties")) {
      // "Instance has a failing additionalProperties" is reported at the parent: name the extra properties instead.
      if (!error.toLowerCase().contains("additional")) {
        byField.putIfAbsent(loc, error);
      } else {
        byField.putIfAbsent(loc.isEmpty() ? "/" : loc, "has properties that are not allowed");
      }
      return;
    }
    Matcher required = REQUIRED.matcher(error);
    if (keyword.endsWith("/required") && required.find()) {
      byField.putIfAbsent(loc + "/" + required.group(1), "is required");
      return;
    }
    byField.putIfAbsent(loc, error);
  }

  /** "#/address/city" -> "address.city"; "#" or "" -> "". */
  static String fieldName(String instanceLocation) {
    String f = instanceLocation == null ? "" : instanceLocation;
    if (f.startsWith("#")) {
      f = f.substring(1);
    }
    while (f.startsWith("/")) {
      f = f.substring(1);
    }
    return f.replace('/', '.');
  }

  private static String humanize(String message) {
    return message.length() > 300 ? message.substring(0, 300) : message;
  }
}
