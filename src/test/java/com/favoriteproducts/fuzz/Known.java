package com.favoriteproducts.fuzz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Values the service has shown, by field name, so valid requests can name things that exist: every UUID in a 2xx
 * body is kept under its field name, and an {@code id} also under {@code <resource>Id} ({@code customerId} for
 * {@code /v1/customers/...}). Fixtures the test seeds (the API token, some product ids) live here too. Bounded:
 * the newest values of each name are kept.
 */
final class Known {

  private static final int KEEP = 256;
  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final Map<String, List<String>> values = new ConcurrentHashMap<>();

  void add(String name, String value) {
    List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
    synchronized (list) {
      if (!list.contains(value)) {
        if (list.size() >= KEEP) {
          list.remove(0);
        }
        list.add(value);
      }
    }
  }

  /** A known value for the name, or null. */
  String pick(String name, Random r) {
    List<String> list = values.get(name);
    if (list == null) {
      return null;
    }
    synchronized (list) {
      return list.isEmpty() ? null : list.get(r.nextInt(list.size()));
    }
  }

  /** The name a path parameter's values are kept under: {@code id} in {@code /v1/customers/{id}} is customerId. */
  static String keyOf(String paramName, String pathTemplate) {
    if (!paramName.equals("id")) {
      return paramName;
    }
    return resource(pathTemplate.substring(0, Math.max(0, pathTemplate.indexOf("{id}")))) + "Id";
  }

  /** "customer" for "/v1/customers/" or "/v1/customers". */
  private static String resource(String path) {
    String[] segments = path.split("/");
    for (int i = segments.length - 1; i >= 0; i--) {
      if (!segments[i].isEmpty() && !segments[i].startsWith("{")) {
        String s = segments[i];
        return s.endsWith("s") ? s.substring(0, s.length() - 1) : s;
      }
    }
    return "resource";
  }

  /** Keeps the UUIDs of a 2xx body of an operation on {@code pathTemplate}. */
  void harvest(Object body, String pathTemplate) {
    String idKey = pathTemplate.contains("{id}") ? keyOf("id", pathTemplate) : resource(pathTemplate) + "Id";
    walk(body, idKey, pathTemplate.contains("{id}") || !pathTemplate.contains("{"));
  }

  private void walk(Object v, String idKey, boolean ownIds) {
    if (v instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        if (e.getValue() instanceof String s && UUID.matcher(s).matches()) {
          add(e.getKey(), s);
          if (e.getKey().equals("id") && ownIds) {
            add(idKey, s);
          }
        } else {
          walk(e.getValue(), idKey, ownIds);
        }
      }
    } else if (v instanceof JsonArray a) {
      a.forEach(x -> walk(x, idKey, ownIds));
    }
  }
}
