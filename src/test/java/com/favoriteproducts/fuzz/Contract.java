package com.favoriteproducts.fuzz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations of {@code openapi.yaml}, read at run time with SnakeYAML (already on the classpath through
 * vertx-openapi) and with every local {@code $ref} resolved, independently of the router the service builds from the
 * same file: an operation added to the contract is fuzzed without a change to the fuzzer.
 */
final class Contract {

  private static final List<String> METHODS = List.of("get", "put", "post", "patch", "delete", "head", "options", "trace");

  /** A parameter: {@code in} is path, query, header or cookie. */
  record Param(String name, String in, boolean required, JsonObject schema) {
  }

  /**
   * One operation. {@code body} is the application/json request schema (null without a body); {@code responses} maps
   * a status ("200", "4XX", "default") to its application/json schema (an empty object when it declares no body).
   */
  record Op(String id, String method, String path, List<Param> params, JsonObject body, boolean bodyRequired,
            boolean secured, Map<String, JsonObject> responses) {

    List<Param> params(String in) {
      return params.stream().filter(p -> p.in().equals(in)).toList();
    }

    @Override
    public String toString() {
      return id + " (" + method + " " + path + ")";
    }
  }

  final List<Op> operations;

  private Contract(List<Op> operations) {
    this.operations = operations;
  }

  static Contract load(String resource) {
    try (InputStream in = Contract.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no " + resource + " on the classpath");
      }
      return parse((JsonObject) json(new Yaml(new LoaderOptions()).load(in)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Contract parse(JsonObject root) {
    JsonObject resolved = (JsonObject) resolve(root, root, 0);
    boolean securedByDefault = !resolved.getJsonArray("security", new JsonArray()).isEmpty();
    List<Op> ops = new ArrayList<>();
    JsonObject paths = resolved.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : METHODS) {
        JsonObject op = item.getJsonObject(method);
        if (op == null) {
          continue;
        }
        Map<String, Param> params = new LinkedHashMap<>();
        for (JsonArray list : new JsonArray[] {item.getJsonArray("parameters"), op.getJsonArray("parameters")}) {
          if (list != null) {
            for (Object o : list) {
              JsonObject p = (JsonObject) o;
              String in = p.getString("in");
              params.put(in + ":" + p.getString("name"), new Param(p.getString("name"), in,
                p.getBoolean("required", "path".equals(in)), p.getJsonObject("schema", new JsonObject())));
            }
          }
        }
        JsonObject body = null;
        boolean bodyRequired = false;
        JsonObject rb = op.getJsonObject("requestBody");
        if (rb != null) {
          body = jsonSchema(rb);
          bodyRequired = rb.getBoolean("required", false);
        }
        JsonArray security = op.getJsonArray("security");
        boolean secured = security == null ? securedByDefault : !security.isEmpty();
        Map<String, JsonObject> responses = new LinkedHashMap<>();
        JsonObject rs = op.getJsonObject("responses", new JsonObject());
        for (String status : rs.fieldNames()) {
          JsonObject schema = jsonSchema(rs.getJsonObject(status));
          responses.put(status, schema == null ? new JsonObject() : schema);
        }
        ops.add(new Op(op.getString("operationId", method + " " + path), method.toUpperCase(), path,
          List.copyOf(params.values()), body, bodyRequired, secured, responses));
      }
    }
    return new Contract(List.copyOf(ops));
  }

  private static JsonObject jsonSchema(JsonObject withContent) {
    JsonObject content = withContent.getJsonObject("content");
    if (content == null) {
      return null;
    }
    JsonObject media = content.getJsonObject("application/json");
    return media == null ? null : media.getJsonObject("schema", new JsonObject());
  }

  /** SnakeYAML's maps and lists as JSON, every key a string (an unquoted {@code 200:} is read as an integer). */
  private static Object json(Object yaml) {
    if (yaml instanceof Map<?, ?> m) {
      JsonObject out = new JsonObject();
      m.forEach((k, v) -> out.put(String.valueOf(k), json(v)));
      return out;
    }
    if (yaml instanceof List<?> l) {
      JsonArray out = new JsonArray();
      l.forEach(v -> out.add(json(v)));
      return out;
    }
    return yaml;
  }

  /** A copy of {@code node} with every {@code {"$ref": "#/..."}} replaced by what it points at. */
  private static Object resolve(Object node, JsonObject root, int depth) {
    if (depth > 64) {
      throw new IllegalStateException("$ref nesting deeper than 64 (a cycle?)");
    }
    if (node instanceof JsonObject o) {
      Object ref = o.getValue("$ref");
      if (ref instanceof String s && s.startsWith("#/")) {
        Object target = root;
        for (String part : s.substring(2).split("/")) {
          target = ((JsonObject) target).getValue(part.replace("~1", "/").replace("~0", "~"));
        }
        return resolve(target, root, depth + 1);
      }
      JsonObject out = new JsonObject();
      o.forEach(e -> out.put(e.getKey(), resolve(e.getValue(), root, depth + 1)));
      return out;
    }
    if (node instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(v -> out.add(resolve(v, root, depth + 1)));
      return out;
    }
    return node;
  }
}
